"""The models compare() searches by default, and those the command builds on their turn."""

import numpy as np
import pytest
from sklearn.model_selection import ParameterGrid
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sktoynet.comparison import compare, default_models
from sktoynet.comparison._models import DeferredModel, command_models


def test_default_models_are_scaled_pipelines_with_their_grids():
    models = default_models(random_state=3)
    assert list(models) == ["sktoynet", "LogisticRegression", "MLPClassifier"]
    for estimator, grid in models.values():
        assert isinstance(estimator, Pipeline)
        assert isinstance(estimator.steps[0][1], StandardScaler)
        assert grid
    assert set(models["sktoynet"][1]) == {
        "toynetclassifier__learning_rate",
        "toynetclassifier__width",
    }
    assert set(models["LogisticRegression"][1]) == {"logisticregression__C"}
    assert set(models["MLPClassifier"][1]) == {
        "mlpclassifier__learning_rate_init",
        "mlpclassifier__hidden_layer_sizes",
    }
    assert models["sktoynet"][0].get_params()["toynetclassifier__random_state"] == 3
    assert models["MLPClassifier"][0].get_params()["mlpclassifier__random_state"] == 3


@pytest.mark.parametrize("problem", ["two_squares", "three_bands"])
def test_sktoynet_chosen_net_is_confidently_right_on_the_toy_problems(problem):
    from sktoynet.cli._datasets import load_named

    data = load_named(problem, random_state=0)
    models = {"sktoynet": default_models(0)["sktoynet"]}  # the full grid of the main job
    result = compare(data.X, data.y, models=models, random_state=0)
    net = result.best_estimators_["sktoynet"]
    proba = net.predict_proba(data.X)
    true_class = np.searchsorted(net.classes_, data.y)
    assert proba[np.arange(len(data.y)), true_class].mean() >= 0.9
    assert result.table.loc["sktoynet", "mean_test_score"] >= 0.99


@pytest.mark.parametrize("quick", [False, True])
def test_the_command_defers_only_the_net_and_builds_the_default_one(quick):
    deferred, default = command_models(3, quick=quick), default_models(3, quick=quick)
    assert list(deferred) == list(default)
    net = deferred["sktoynet"]
    assert isinstance(net, DeferredModel)
    assert net.n_candidates == len(ParameterGrid(default["sktoynet"][1]))
    built = net.build()
    assert built[1] == default["sktoynet"][1]
    assert built[0].get_params(deep=True).keys() == default["sktoynet"][0].get_params().keys()
    assert repr(built[0]) == repr(default["sktoynet"][0])
    assert net.build()[0] is not built[0]  # a fresh estimator each time
    for name in ["LogisticRegression", "MLPClassifier"]:
        assert repr(deferred[name]) == repr(default[name])
