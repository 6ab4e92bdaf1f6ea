"""The core contract of ToyNetClassifier and make_toynet (issue: core)."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, check_cv
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktoynet import ToyNetClassifier, make_toynet
from tests._helpers import FAST_PARAMS


def quiet_fit(estimator, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **fit_params)


@pytest.mark.parametrize(
    "labels",
    [
        np.array([1, 2]),
        np.array([-1, 1]),
        np.array(["no", "yes"]),
        np.array([False, True]),
        np.array([10, 20, 30]),
        np.array(["cat", "dog", "eel"], dtype=object),
    ],
    ids=["1/2", "-1/1", "str", "bool", "3 ints", "3 objects"],
)
def test_any_labels_round_trip(labels, rng):
    X = rng.normal(size=(90, 2))
    y = labels[np.arange(90) % len(labels)]
    X[:, 0] += 3 * (np.arange(90) % len(labels))
    X = StandardScaler().fit_transform(X)
    clf = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    np.testing.assert_array_equal(clf.classes_, np.sort(labels))
    predicted = clf.predict(X)
    assert predicted.dtype == y.dtype
    assert set(predicted) <= set(labels)
    assert clf.score(X, y) > 0.9


def test_pandas_categorical_labels(rng):
    X = rng.normal(size=(60, 2))
    y = pd.Series(pd.Categorical(np.where(X[:, 0] > 0, "high", "low")))
    clf = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    assert list(clf.classes_) == ["high", "low"]
    assert set(clf.predict(X)) <= {"high", "low"}
    assert clf.score(X, y) > 0.9


def test_binary_head_is_one_sigmoid_unit(scaled_two_squares):
    X, y = scaled_two_squares
    clf = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 1
    assert clf.coefs_[1].shape == (clf.width, 1)
    assert clf.model_.layers[-1].units == 1
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # binary columns are [1 - p, p], p being the sigmoid of the single unit
    np.testing.assert_allclose(proba[:, 1], clf.model_.predict(X, verbose=0)[:, 0], atol=1e-5)


def test_multiclass_head_is_softmax(rng):
    X = rng.normal(size=(120, 2))
    y = np.digitize(X[:, 0], [-0.5, 0.5])
    clf = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    assert clf.out_activation_ == "softmax"
    assert clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (120, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))


def test_is_a_classifier_with_stratified_cv():
    estimator = ToyNetClassifier()
    pipeline = make_toynet()
    assert is_classifier(estimator)
    assert is_classifier(pipeline)
    y = np.r_[np.zeros(10), np.ones(10)]
    assert isinstance(check_cv(5, y, classifier=is_classifier(estimator)), StratifiedKFold)
    assert isinstance(check_cv(5, y, classifier=is_classifier(pipeline)), StratifiedKFold)


def test_make_toynet_is_a_scaled_pipeline():
    pipeline = make_toynet(learning_rate=0.1, width=4)
    assert list(pipeline.named_steps) == ["standardscaler", "toynetclassifier"]
    params = pipeline.get_params()
    assert params["toynetclassifier__learning_rate"] == 0.1
    assert params["toynetclassifier__width"] == 4


def test_grid_search_beside_logistic_regression(two_squares):
    X, y = two_squares
    net_search = GridSearchCV(
        make_toynet(epochs=40, n_init=2, random_state=0),
        {"toynetclassifier__learning_rate": [1e-3, 1e-1], "toynetclassifier__width": [2, 8]},
        cv=3,
    )
    logreg_search = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression()),
        {"logisticregression__C": [0.1, 1.0, 10.0]},
        cv=3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net_search.fit(X, y)
    logreg_search.fit(X, y)
    assert net_search.best_score_ >= 0.99
    assert logreg_search.best_score_ >= 0.99
    assert set(net_search.predict(X[:5])) <= {1, 2}
    assert len(net_search.cv_results_["mean_test_score"]) == 4


def test_pickle_round_trip(two_squares):
    X, y = two_squares
    model = quiet_fit(make_toynet(**FAST_PARAMS), X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


def test_documented_settings_solve_both_toy_problems(two_squares, three_bands):
    for X, y in (two_squares, three_bands):
        model = make_toynet(random_state=0).fit(X, y)
        assert model.score(X, y) >= 0.99


def test_fit_is_quiet_by_default(two_squares, capfd):
    X, y = two_squares
    make_toynet(**FAST_PARAMS).fit(X, y)
    captured = capfd.readouterr()
    assert captured.out == ""
    assert "I0000" not in captured.err and "cuda" not in captured.err.lower()


def test_verbose_prints_the_loss(two_squares, capsys):
    X, y = two_squares
    quiet_fit(make_toynet(epochs=3, n_init=1, random_state=0, verbose=1), X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("Epoch 1, loss = ")
