"""compare() refuses bad input before any fit, in one clear line, and warns about odd data."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import StratifiedKFold

from sktoynet.comparison import check_target, compare
from tests.comparison._helpers import logistic, people


@pytest.mark.parametrize(
    "cv, n_repeats, message",
    [
        (3, 0, "n_repeats must be a positive integer, got 0"),
        (3, 1.5, "n_repeats must be a positive integer, got 1.5"),
        (StratifiedKFold(3), 2, "n_repeats=2 needs cv to be a number of folds"),
    ],
)
def test_bad_repeats_are_refused(two_squares, cv, n_repeats, message):
    X, y = two_squares
    with pytest.raises(ValueError, match=message):
        compare(X, y, models={"logistic": logistic()}, cv=cv, n_repeats=n_repeats)


def test_a_single_class_is_refused():
    X = np.arange(20.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="single class"):
        compare(X, np.ones(20), models={"logistic": logistic()})


def test_a_class_smaller_than_the_folds_is_refused():
    X = np.arange(20.0).reshape(-1, 1)
    y = np.array([0] * 17 + [1] * 3)
    with pytest.raises(ValueError, match=r"class 1 has only 3 row\(s\), fewer than the 5"):
        compare(X, y, models={"logistic": logistic()}, cv=5)
    assert check_target(y, 3).shape == (20,)


@pytest.mark.parametrize(
    "models, message",
    [({}, "non-empty dict"), ({"x": ("not an estimator", {})}, "not an estimator")],
)
def test_bad_models_are_refused(two_squares, models, message):
    X, y = two_squares
    with pytest.raises(ValueError, match=message):
        compare(X, y, models=models)


def test_several_scores_are_refused(two_squares):
    X, y = two_squares
    with pytest.raises(ValueError, match="single score"):
        compare(X, y, models={"logistic": logistic()}, scoring=["accuracy", "f1"])


def test_a_rare_string_class_is_named_not_a_crash():
    # Was AttributeError: 'str' object has no attribute 'item'.
    X = np.arange(20.0).reshape(-1, 1)
    y = np.array(["common"] * 17 + ["rare"] * 3)
    with pytest.raises(ValueError, match=r"class 'rare' has only 3 row\(s\)"):
        compare(X, y, models={"logistic": logistic()}, cv=5)


@pytest.mark.parametrize(
    "labels, message",
    [
        (["a", None] * 10, r"2 missing label\(s\)|10 missing label\(s\) \(such as row 1\)"),
        (["a", 1] * 10, r"mixes label types: str \('a'\) and number \(1\)"),
        (["yes", True] * 10, r"mixes label types: str \('yes'\) and boolean \(True\)"),
    ],
)
def test_labels_that_are_missing_or_of_mixed_types_are_refused(labels, message):
    X = np.arange(20.0).reshape(-1, 1)
    with pytest.raises(ValueError, match=message):
        compare(X, np.array(labels, dtype=object), models={"logistic": logistic()}, cv=2)


def test_object_labels_of_one_type_are_classes():
    y = check_target(np.array([True, False] * 5, dtype=object), 2)
    assert y.dtype == bool


def test_an_id_column_is_named_in_a_warning():
    X, y = people()
    X.insert(0, "customer", [f"C{i:04d}" for i in range(len(X))])
    with pytest.warns(UserWarning, match="column 'customer' has a different value on every row"):
        compare(X, y, models={"logistic": logistic()}, cv=3)


def test_a_caller_that_summarised_the_data_is_not_warned_again():
    """The command prints the summary and its warnings itself: compare says them once, to it."""
    import warnings

    from sktoynet.comparison._compare import compare_summarised
    from sktoynet.comparison._data_summary import summarize

    X, y = people()
    X.insert(0, "customer", [f"C{i:04d}" for i in range(len(X))])
    summary = summarize(X, y, feature_names=None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = compare_summarised(X, y, summary, models={"logistic": logistic()}, cv=3)
    assert [str(warning.message) for warning in caught if warning.category is UserWarning] == []
    assert result.summary is summary and summary.id_like == ["customer"]
    assert summary.n_model_inputs == result.summary.n_model_inputs > 4  # filled in by compare
    with pytest.warns(UserWarning, match="like an ID"):
        compare(X, y, models={"logistic": logistic()}, cv=3)


@pytest.mark.parametrize("bad", [np.inf, -np.inf, 1e300])
def test_infinite_or_overflowing_values_are_named_before_fitting(two_squares, bad):
    X, y = two_squares
    frame = pd.DataFrame(X, columns=["width", "height"])
    frame.loc[5, "height"] = bad
    with pytest.raises(ValueError, match=r"column 'height' has an infinite or overflowing value"):
        compare(frame, y, models={"logistic": logistic()}, cv=3)
