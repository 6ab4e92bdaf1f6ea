"""to_keras and save_keras: a fitted net as a plain Keras model, in a fresh process."""

import json
import os
import pickle
import stat
import zipfile
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sktoynet import ToyNetClassifier, make_toynet, save_keras, to_keras
from sktoynet._engine._forward import HIDDEN_ACTIVATIONS
from sktoynet._estimators._export import LABELS_MEMBER
from sktoynet.datasets import make_three_bands
from tests._helpers import FAST_PARAMS, quiet_fit, run_python

#: What the issue asks of the exported model against predict_proba.
TOLERANCE = 1e-5

SAVE_BOTH = """
import json, sys
import numpy as np
from sklearn.datasets import load_breast_cancer, load_iris
from sktoynet import make_toynet, save_keras

iris = load_iris(as_frame=True)
y_iris = iris.target_names[iris.target]          # string labels
cancer = load_breast_cancer()                    # 30 features, two classes
for name, X, y in [("iris", iris.data, y_iris), ("cancer", cancer.data, cancer.target)]:
    pipe = make_toynet(epochs=100, n_init=2, random_state=0).fit(X, y)
    save_keras(pipe, f"{name}.keras")
    np.save(f"{name}-X.npy", np.asarray(X, dtype=np.float32))
    np.save(f"{name}-proba.npy", pipe.predict_proba(np.asarray(X, dtype=np.float32)))
    json.dump([str(c) for c in pipe.classes_], open(f"{name}-classes.json", "w"))
"""

LOAD_WITHOUT_SKTOYNET = """
import json, sys, zipfile
sys.modules["sktoynet"] = None                   # any import of sktoynet now fails
import numpy as np
import keras

for name in ["iris", "cancer"]:
    model = keras.saving.load_model(f"{name}.keras")
    np.save(f"{name}-keras.npy", model.predict(np.load(f"{name}-X.npy"), verbose=0))
    labels = json.loads(zipfile.ZipFile(f"{name}.keras").read("sktoynet.json"))["classes"]
    json.dump([str(c) for c in labels], open(f"{name}-labels.json", "w"))
print(keras.backend.backend())
"""


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_saved_model_matches_predict_proba_in_a_fresh_process(tmp_path, backend):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    run_python(SAVE_BOTH, cwd=tmp_path, env=env)
    loaded = run_python(LOAD_WITHOUT_SKTOYNET, cwd=tmp_path, env=env)
    assert loaded.stdout.strip() == backend
    for name, n_classes in [("iris", 3), ("cancer", 2)]:
        expected = np.load(tmp_path / f"{name}-proba.npy")
        got = np.load(tmp_path / f"{name}-keras.npy")
        assert got.shape == expected.shape == (expected.shape[0], n_classes)
        assert np.abs(got - expected).max() <= TOLERANCE, name
        classes = json.loads((tmp_path / f"{name}-classes.json").read_text())
        assert json.loads((tmp_path / f"{name}-labels.json").read_text()) == classes
    assert classes == ["0", "1"]  # the last one, breast cancer


def clone_fitted(estimator):
    return pickle.loads(pickle.dumps(estimator))


def max_difference(estimator, X):
    model = to_keras(estimator)
    X32 = np.asarray(X, dtype=np.float32)
    return np.abs(model.predict(X32, verbose=0) - estimator.predict_proba(X32)).max()


@pytest.fixture(scope="module")
def fitted_bands():
    X, y = make_three_bands()
    return X, quiet_fit(make_toynet(**FAST_PARAMS), X, y)


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_every_hidden_activation_exports(fitted_bands, activation):
    # One fit, its weights read through each activation: the Keras layer the
    # export builds must compute what predict_proba computes in NumPy.
    X, pipe = fitted_bands
    pipe = clone_fitted(pipe)
    net = pipe[-1]
    net._network_spec = replace(net._network_spec, hidden_activation=activation)
    net.set_params(hidden_activation="tanh")  # the export follows the fitted spec
    assert max_difference(pipe, X) <= TOLERANCE


def test_bare_net_has_no_scaling_layer_and_matches():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    net = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    model = to_keras(net)
    assert [layer.name for layer in model.layers] == ["hidden", "probabilities"]
    assert max_difference(net, X) <= TOLERANCE


def test_scalers_in_a_row_and_without_mean_or_std_are_folded():
    X, y = load_breast_cancer(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(with_mean=False),
        StandardScaler(with_std=False),
        StandardScaler(),
        ToyNetClassifier(**FAST_PARAMS),
    )
    quiet_fit(pipe, X, y)
    assert [layer.name for layer in to_keras(pipe).layers][0] == "scaler"
    assert max_difference(pipe, X) <= TOLERANCE


def test_a_column_with_a_tiny_scale_is_divided_in_the_kernel():
    # Normalization never divides by less than 1e-7; a column measured in
    # units of 1e-9 must still come out as StandardScaler scales it.
    X, y = load_breast_cancer(return_X_y=True)
    X = X[:, :5].copy()
    X[:, 0] *= 1e-9
    pipe = quiet_fit(make_toynet(**FAST_PARAMS), X, y)
    assert pipe[0].scale_[0] < 1e-7
    assert max_difference(pipe, X) <= TOLERANCE


def test_dataframe_fit_records_feature_names_and_labels(tmp_path):
    iris = load_iris(as_frame=True)
    X, y = iris.data, pd.Series(iris.target_names[iris.target])
    pipe = quiet_fit(make_toynet(**FAST_PARAMS), X, y)
    save_keras(pipe, tmp_path / "iris.keras")
    record = json.loads(zipfile.ZipFile(tmp_path / "iris.keras").read("sktoynet.json"))
    assert record["classes"] == ["setosa", "versicolor", "virginica"]
    assert record["feature_names_in"] == list(X.columns)
    assert record["n_features_in"] == 4
    assert os.listdir(tmp_path) == ["iris.keras"]  # no staging file left behind


def test_numeric_labels_are_recorded_as_numbers(tmp_path):
    X, y = make_three_bands()
    pipe = quiet_fit(make_toynet(**FAST_PARAMS), X, y * 10 - 5)
    save_keras(pipe, tmp_path / "bands.keras")
    record = json.loads(zipfile.ZipFile(tmp_path / "bands.keras").read("sktoynet.json"))
    assert record["classes"] == pipe.classes_.tolist()
    assert all(isinstance(label, int) for label in record["classes"])


def test_other_preprocessing_is_refused_with_the_step_named():
    X, y = make_three_bands()
    pipe = quiet_fit(make_pipeline(MinMaxScaler(), ToyNetClassifier(**FAST_PARAMS)), X, y)
    with pytest.raises(TypeError, match="step 'minmaxscaler' \\(MinMaxScaler\\)"):
        to_keras(pipe)
    with pytest.raises(TypeError, match="got StandardScaler as the last step"):
        to_keras(StandardScaler().fit(X))


def test_unfitted_estimator_is_refused():
    with pytest.raises(NotFittedError):
        to_keras(make_toynet())


def test_bad_path_is_refused_and_an_existing_file_is_kept(tmp_path):
    X, y = make_three_bands()
    pipe = quiet_fit(make_toynet(**FAST_PARAMS), X, y)
    with pytest.raises(ValueError, match="must end with '.keras'"):
        save_keras(pipe, tmp_path / "net.h5")
    with pytest.raises(ValueError, match="does not exist"):
        save_keras(pipe, tmp_path / "missing" / "net.keras")
    target = tmp_path / "net.keras"
    target.write_text("the user's file")
    with pytest.raises(TypeError):
        save_keras(StandardScaler().fit(X), target, overwrite=True)
    assert target.read_text() == "the user's file"
    assert os.listdir(tmp_path) == ["net.keras"]


def test_save_keras_refuses_an_existing_file_unless_overwrite(tmp_path):
    X, y = make_three_bands()
    pipe = quiet_fit(make_toynet(**FAST_PARAMS), X, y)
    target = tmp_path / "net.keras"
    target.write_text("the user's file")
    with pytest.raises(FileExistsError, match="exists; pass overwrite=True"):
        save_keras(pipe, target)
    assert target.read_text() == "the user's file"
    save_keras(pipe, target, overwrite=True)
    assert LABELS_MEMBER in zipfile.ZipFile(target).namelist()
    assert os.listdir(tmp_path) == ["net.keras"]


def test_save_keras_gives_the_file_the_mode_open_would(tmp_path):
    X, y = make_three_bands()
    pipe = quiet_fit(make_toynet(**FAST_PARAMS), X, y)
    previous = os.umask(0o022)
    try:
        save_keras(pipe, tmp_path / "net.keras")
        with open(tmp_path / "plain", "w"):
            pass
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(tmp_path / "net.keras").st_mode) == 0o644
    assert os.stat(tmp_path / "net.keras").st_mode == os.stat(tmp_path / "plain").st_mode
