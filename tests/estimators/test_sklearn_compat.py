"""ToyNetClassifier with the rest of scikit-learn (issue: trustworthy citizen, item 2)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    HalvingGridSearchCV,
    RandomizedSearchCV,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from sktoynet import ToyNetClassifier, make_toynet
from tests._helpers import FAST_PARAMS, quiet_fit


@pytest.fixture(autouse=True)
def quiet_short_fits():
    # Test fits are short on purpose: their convergence warnings are noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=Warning)
        yield


def test_clone_gives_an_unfitted_copy_with_the_same_params(scaled_two_squares):
    X, y = scaled_two_squares
    estimator = quiet_fit(ToyNetClassifier(width=4, **FAST_PARAMS), X, y)
    copy = clone(estimator)
    assert copy.get_params() == estimator.get_params()
    assert not hasattr(copy, "coefs_")
    assert repr(copy) == repr(ToyNetClassifier(width=4, **FAST_PARAMS))


def test_get_and_set_params_through_the_pipeline():
    pipeline = make_toynet(**FAST_PARAMS)
    pipeline.set_params(toynetclassifier__width=3, toynetclassifier__optimizer="sgd")
    params = pipeline.get_params()
    assert params["toynetclassifier__width"] == 3
    assert params["toynetclassifier__optimizer"] == "sgd"
    assert pipeline.named_steps["toynetclassifier"].width == 3
    assert set(ToyNetClassifier().get_params()) == {
        name for name in ToyNetClassifier.__init__.__code__.co_varnames[1:] if name != "self"
    }
    with pytest.raises(ValueError, match="Invalid parameter 'widht'"):
        pipeline.set_params(toynetclassifier__widht=3)


def test_cross_validate_with_probability_scorers(two_squares):
    X, y = two_squares
    result = cross_validate(
        make_toynet(**FAST_PARAMS),
        X,
        y,
        cv=3,
        scoring=["accuracy", "roc_auc", "neg_log_loss"],
    )
    assert np.all(result["test_accuracy"] > 0.9)
    assert np.all(result["test_roc_auc"] > 0.95)
    assert np.all(result["test_neg_log_loss"] > -0.5)


def test_randomized_search(two_squares):
    X, y = two_squares
    search = RandomizedSearchCV(
        make_toynet(**FAST_PARAMS),
        {"toynetclassifier__width": [2, 4, 8], "toynetclassifier__learning_rate": [0.03, 0.1]},
        n_iter=3,
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 3
    assert search.best_score_ > 0.9
    check_is_fitted(search.best_estimator_)


def test_halving_grid_search(two_squares):
    X, y = two_squares
    search = HalvingGridSearchCV(
        make_toynet(**FAST_PARAMS),
        {"toynetclassifier__width": [2, 8], "toynetclassifier__learning_rate": [0.01, 0.1]},
        cv=3,
        factor=2,
        random_state=0,
    ).fit(X, y)
    assert search.n_iterations_ >= 2
    assert search.best_score_ > 0.9


def test_calibrated_classifier(two_squares):
    X, y = two_squares
    calibrated = CalibratedClassifierCV(make_toynet(**FAST_PARAMS), cv=3).fit(X, y)
    proba = calibrated.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert calibrated.score(X, y) > 0.9


def test_soft_voting_and_stacking(three_bands):
    X, y = three_bands
    logreg = make_pipeline(StandardScaler(), LogisticRegression())
    voting = VotingClassifier(
        [("net", make_toynet(**FAST_PARAMS)), ("logreg", logreg)], voting="soft"
    ).fit(X, y)
    assert voting.predict_proba(X).shape == (len(X), len(np.unique(y)))
    assert voting.score(X, y) > 0.9
    stacking = StackingClassifier(
        [("net", make_toynet(**FAST_PARAMS)), ("logreg", logreg)], cv=3
    ).fit(X, y)
    assert stacking.score(X, y) > 0.9


def test_decision_boundary_display(two_squares):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.inspection import DecisionBoundaryDisplay

    X, y = two_squares
    model = make_toynet(**FAST_PARAMS).fit(X, y)
    display = DecisionBoundaryDisplay.from_estimator(
        model, X, response_method="predict_proba", grid_resolution=20
    )
    assert display.response.shape == (20, 20)
    plt.close("all")


def test_pandas_input_records_and_checks_feature_names(two_squares):
    X, y = two_squares
    frame = pd.DataFrame(X, columns=["x0", "x1"])
    model = make_toynet(**FAST_PARAMS).fit(frame, pd.Series(y))
    assert list(model.feature_names_in_) == ["x0", "x1"]
    network_alone = quiet_fit(ToyNetClassifier(**FAST_PARAMS), frame, y)
    assert list(network_alone.feature_names_in_) == ["x0", "x1"]
    np.testing.assert_array_equal(network_alone.predict(frame), network_alone.predict(X))

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        network_alone.predict(frame)  # same names: no warning
    renamed = frame.rename(columns={"x1": "other"})
    with pytest.raises(ValueError, match="feature names should match"):
        network_alone.predict(renamed)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        network_alone.predict(X)


def test_pipeline_set_output_pandas(two_squares):
    X, y = two_squares
    frame = pd.DataFrame(X, columns=["x0", "x1"])
    model = make_toynet(**FAST_PARAMS).set_output(transform="pandas").fit(frame, y)
    network = model.named_steps["toynetclassifier"]
    assert list(network.feature_names_in_) == ["x0", "x1"]
    assert model.predict_proba(frame).shape == (len(X), 2)
    assert model.score(frame, y) > 0.9


def test_class_weight_equals_the_matching_sample_weight(three_bands):
    X, y = three_bands
    X = StandardScaler().fit_transform(X)
    keep = np.r_[np.flatnonzero(y != y[0]), np.flatnonzero(y == y[0])[:10]]  # imbalanced
    X, y = X[keep], y[keep]
    balanced = quiet_fit(ToyNetClassifier(class_weight="balanced", **FAST_PARAMS), X, y)
    weighted = quiet_fit(
        ToyNetClassifier(**FAST_PARAMS), X, y, sample_weight=compute_sample_weight("balanced", y)
    )
    np.testing.assert_allclose(balanced.predict_proba(X), weighted.predict_proba(X), rtol=1e-6)
    plain = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    assert not np.allclose(plain.predict_proba(X), balanced.predict_proba(X))


def test_sample_weight_favours_the_weighted_class(scaled_two_squares):
    X, y = scaled_two_squares
    heavy = np.where(y == y[0], 100.0, 1.0)
    plain = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    weighted = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y, sample_weight=heavy)
    column = list(plain.classes_).index(y[0])
    assert weighted.predict_proba(X)[:, column].mean() > plain.predict_proba(X)[:, column].mean()
