"""scikit-learn's shared estimator checks on ToyNetClassifier and ToyNetClassifierCV."""

from functools import partial

import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_sample_weight_equivalence_on_dense_data,
    parametrize_with_checks,
)

from sktoynet import ToyNetClassifier, ToyNetClassifierCV

#: The checks fit on unscaled data for 20 epochs on purpose; the advice these two
#: warnings give is tested where it matters (tests/engine/test_training.py), not here.
pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::sktoynet.exceptions.UnscaledInputWarning"),
]

#: Fast settings for the checks, spelled out so that a change of the defaults
#: does not change what the checks see. ``check_classifiers_train`` and
#: ``check_class_weight_classifiers`` still need a network that learns.
CHECK_PARAMS = {"epochs": 20, "n_init": 2, "learning_rate": 0.1, "random_state": 0}

#: The same for ToyNetClassifierCV: a grid of two points, and 3 folds, since
#: some checks' data sets have 3 rows of a class.
CV_CHECK_PARAMS = {
    "epochs": 20,
    "n_init": 2,
    "learning_rates": [0.1],
    "widths": [2, 8],
    "cv": 3,
    "random_state": 0,
}

#: Settings for single checks, as scikit-learn's own suite gives MLPRegressor
#: ``solver="sgd"`` for the sample-weight check. Weighting a row by k is exact
#: in the loss (full-batch here: 15 rows), but in float32 the weighted and the
#: repeated sums round differently and Adam carries that round-off over epochs
#: to about 1e-6, ten times the check's rtol=1e-7. A few small plain-SGD steps
#: keep the round-off below the tolerance while ignoring sample_weight still
#: moves predict_proba by about 1 % (see test_sample_weight_check_still_bites).
PER_CHECK_PARAMS = {
    "check_sample_weight_equivalence_on_dense_data": {
        "optimizer": "sgd",
        "learning_rate": 0.001,
        "epochs": 10,
    },
}

EXPECTED_FAILED_CHECKS = {
    "check_estimator_tags_renamed": (
        "scikeras 0.13 (its last release) defines the pre-1.6 `_more_tags` on its "
        "BaseWrapper without `__sklearn_tags__`, and the check walks the whole MRO. "
        "ToyNetClassifier's tags come from `__sklearn_tags__` (check_valid_tag_types "
        "passes) and `_more_tags` is never called by scikit-learn >= 1.6; only a "
        "scikeras release or patching scikeras could remove it."
    ),
}


#: Beside ToyNetClassifier's: what a cross-validated estimator cannot pass.
CV_EXPECTED_FAILED_CHECKS = {
    **EXPECTED_FAILED_CHECKS,
    "check_sample_weight_equivalence_on_dense_data": (
        "Repeating a row is not weighting it in cross-validation: the copies fall in "
        "different folds, so the folds, the chosen grid point and the fit differ "
        "(scikit-learn expects the same failure of LogisticRegressionCV)."
    ),
}


def _check_name(check):
    return check.func.__name__ if isinstance(check, partial) else check.__name__


def _expected_failed_checks(estimator):
    if isinstance(estimator, ToyNetClassifierCV):
        return CV_EXPECTED_FAILED_CHECKS
    return EXPECTED_FAILED_CHECKS


@parametrize_with_checks(
    [ToyNetClassifier(**CHECK_PARAMS), ToyNetClassifierCV(**CV_CHECK_PARAMS)],
    expected_failed_checks=_expected_failed_checks,
    xfail_strict=True,
)
def test_sklearn_compatible_estimator(estimator, check):
    params = PER_CHECK_PARAMS.get(_check_name(check))
    if params is not None and not isinstance(estimator, ToyNetClassifierCV):
        estimator = clone(estimator).set_params(**params)
    check(estimator)


class _IgnoresSampleWeight(ToyNetClassifier):
    def fit(self, X, y, sample_weight=None):
        return super().fit(X, y)


def test_sample_weight_check_still_bites():
    # The per-check settings keep the check's power: ignoring sample_weight fails it.
    params = {**CHECK_PARAMS, **PER_CHECK_PARAMS["check_sample_weight_equivalence_on_dense_data"]}
    with pytest.raises(AssertionError, match="not equivalent"):
        check_sample_weight_equivalence_on_dense_data(
            "ToyNetClassifier", _IgnoresSampleWeight(**params)
        )
