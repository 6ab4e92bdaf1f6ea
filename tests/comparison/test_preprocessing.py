"""Mixed-type tables: one preprocessing step in front of every model (issue 11, item 2)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold

from sktoynet.comparison import compare
from tests.comparison._helpers import logistic, people


def test_a_mixed_table_gets_the_same_preprocessing_in_every_pipeline(rng):
    X, y = people()
    models = {
        "logistic": (logistic(), {"logisticregression__C": [1.0]}),
        "alone": LogisticRegression(),
    }
    result = compare(X, y, models=models, cv=3, random_state=0)
    assert result.preprocessed
    for name in models:
        best = result.best_estimators_[name]
        assert best.steps[0][0] == "preprocessing"
        assert type(best[0][0]).__name__ == "TableVectorizer"
        assert best.memory is None  # the temporary cache is gone and forgotten
    assert list(result.best_estimators_["logistic"].named_steps) == [
        "preprocessing",
        "standardscaler",
        "logisticregression",
    ]
    assert result.table["mean_test_score"].min() >= 0.9  # the city decides; it was encoded
    summary = result.summary
    assert summary.kinds == {
        "numeric": ["age"],
        "boolean": ["member"],
        "categorical": ["city"],
        "date": ["joined"],
    }
    assert set(summary.missing) == {"city", "age"}
    assert summary.n_model_inputs > 4


def test_numeric_data_keeps_its_pipelines_and_results(two_squares):
    X, y = two_squares
    models = {"logistic": (logistic(), {"logisticregression__C": [0.1, 1.0]})}
    result = compare(X, y, models=models, cv=3, random_state=0)
    assert not result.preprocessed
    assert list(result.best_estimators_["logistic"].named_steps) == [
        "standardscaler",
        "logisticregression",
    ]
    by_hand = GridSearchCV(
        logistic(),
        models["logistic"][1],
        cv=RepeatedStratifiedKFold(n_splits=3, n_repeats=1, random_state=0),
    ).fit(X, y)
    np.testing.assert_array_equal(
        result.cv_results_["logistic"]["mean_test_score"], by_hand.cv_results_["mean_test_score"]
    )
    assert result.summary.n_model_inputs == 2


def test_preprocess_can_be_forced_or_refused(two_squares):
    X, y = two_squares
    forced = compare(X, y, models={"logistic": logistic()}, cv=3, preprocess=True)
    assert forced.best_estimators_["logistic"].steps[0][0] == "preprocessing"
    frame, labels = people()
    with pytest.raises(ValueError, match="could not convert string to float"):
        compare(frame, labels, models={"logistic": logistic()}, cv=3, preprocess=False)
    with pytest.raises(ValueError, match="preprocess must be 'auto', True or False"):
        compare(X, y, models={"logistic": logistic()}, preprocess="yes")
