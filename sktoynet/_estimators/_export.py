"""A fitted net as a plain Keras model, and as a ``.keras`` file that records its labels.

The exported model maps raw float32 ``X`` to the probability of each class,
columns in the order of ``classes_``, with built-in Keras layers only::

    Input -> Normalization (the StandardScaler) -> Dense(width) -> Dense(n_classes, softmax)

so ``keras.saving.load_model`` needs nothing from sktoynet. The scaler stays
a layer of its own rather than being folded into the first kernel: the model
then shows what it does, and a large feature offset is subtracted before the
product instead of cancelling against an equally large bias. A two-class net
trained with one sigmoid unit becomes a two-unit softmax with logits
``[0, z]``, which gives exactly ``[1 - sigmoid(z), sigmoid(z)]``.

A Keras model has no place for arbitrary metadata (layer and model names are
restricted to ``[A-Za-z0-9_.\\/>-]`` on TensorFlow), so :func:`save_keras`
writes the class labels into the ``.keras`` archive itself, as the member
:data:`LABELS_MEMBER`, which Keras ignores when it loads the file.
"""

import json
import os
import warnings
import zipfile
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from sktoynet._utils import plain_value

__all__ = ["to_keras", "save_keras", "LABELS_MEMBER"]

#: The member of a ``.keras`` archive written by :func:`save_keras` that holds the labels.
LABELS_MEMBER = "sktoynet.json"

#: Scales below this are divided into the hidden kernel rather than left to
#: ``Normalization``, which never divides by less than Keras' epsilon (1e-7).
TINY_SCALE = 1e-6


def _split(estimator):
    """``(scalers, net)``: the StandardScalers in front of a ToyNetClassifier, and the net."""
    from sktoynet._estimators._classifier import ToyNetClassifier

    if isinstance(estimator, Pipeline):
        named = [
            (name, step) for name, step in estimator.steps if step not in (None, "passthrough")
        ]
    else:
        named = [(type(estimator).__name__, estimator)]
    *front, (_, net) = named or [("", None)]
    if not isinstance(net, ToyNetClassifier):
        raise TypeError(
            "to_keras takes a ToyNetClassifier, or a Pipeline that ends with one (such as "
            f"make_toynet()); got {type(net).__name__} as the last step."
        )
    for name, step in front:
        if type(step) is not StandardScaler:
            raise TypeError(
                f"to_keras can fold only StandardScaler steps into the Keras model; step "
                f"{name!r} ({type(step).__name__}) cannot be exported. Apply it to X before "
                "calling the model, or refit the net behind a StandardScaler alone."
            )
    steps = [step for _, step in named]
    front = steps[:-1]
    for step in steps:
        check_is_fitted(step)
    return front, net


def _scaling(scalers, n_features):
    """Mean and scale of the composed affine map ``((x - m1) / s1 - m2) / s2 ...``."""
    mean = np.zeros(n_features)
    scale = np.ones(n_features)
    for scaler in scalers:
        step_mean = scaler.mean_ if scaler.mean_ is not None and scaler.with_mean else 0.0
        step_scale = scaler.scale_ if scaler.scale_ is not None else 1.0
        mean = mean + step_mean * scale
        scale = scale * step_scale
    return mean, scale


def _probability_head(net):
    """Kernel and bias of a softmax head that reproduces ``net.predict_proba``."""
    kernel, bias = np.asarray(net.coefs_[1]), np.asarray(net.intercepts_[1])
    if net.n_outputs_ == 1:  # sigmoid(z) = softmax([0, z])[1]
        kernel = np.hstack([np.zeros_like(kernel), kernel])
        bias = np.concatenate([np.zeros_like(bias), bias])
    return kernel, bias


def to_keras(estimator):
    """Build a plain Keras model of a fitted net, scaling included.

    Parameters
    ----------
    estimator : ToyNetClassifier or Pipeline
        A fitted :class:`ToyNetClassifier`, or a fitted Pipeline of
        StandardScaler steps ending with one, such as :func:`make_toynet`.

    Returns
    -------
    model : keras.Model
        Maps raw ``X`` (float32, ``n_features_in_`` columns) to class
        probabilities, columns in the order of the estimator's ``classes_``,
        equal to its ``predict_proba`` to float32 round-off. Its layers are
        ``Normalization`` (only with a scaler), ``Dense`` and ``Dense``
        with a softmax, all built into Keras.

    Raises
    ------
    TypeError
        If the estimator is not a ToyNetClassifier or a Pipeline of
        StandardScalers ending with one.
    sklearn.exceptions.NotFittedError
        If a step is not fitted.

    See Also
    --------
    save_keras : Save that model to a ``.keras`` file, with the class labels.

    Notes
    -----
    The in-memory model does not carry the labels: column ``j`` is
    ``estimator.classes_[j]``. Save with :func:`save_keras` to keep them
    with the file.

    Examples
    --------
    >>> import numpy as np
    >>> from sktoynet import make_toynet, to_keras
    >>> from sktoynet.datasets import make_three_bands
    >>> X, y = make_three_bands()
    >>> pipe = make_toynet(random_state=0).fit(X, y)
    >>> model = to_keras(pipe)
    >>> proba = model.predict(X.astype("float32"), verbose=0)
    >>> bool(np.abs(proba - pipe.predict_proba(X)).max() < 1e-5)
    True
    """
    return _build_model(*_split(estimator))


def _build_model(scalers, net):
    """The Keras model of ``net`` with ``scalers`` (checked by :func:`_split`) in front."""
    from sktoynet._engine._network import keras, keras_activation_name

    n_features = net.n_features_in_
    layers = [keras.Input(shape=(n_features,), name="X")]
    hidden_kernel = np.asarray(net.coefs_[0], dtype=np.float64)
    if scalers:
        mean, scale = _scaling(scalers, n_features)
        # Normalization divides by max(sqrt(variance), 1e-7): a column scaled by
        # less than that is only centred there, and divided in the kernel instead.
        tiny = scale < TINY_SCALE
        hidden_kernel = hidden_kernel / np.where(tiny, scale, 1.0)[:, None]
        variance = np.where(tiny, 1.0, scale) ** 2
        layers.append(keras.layers.Normalization(mean=mean, variance=variance, name="scaler"))
    width = hidden_kernel.shape[1]
    head_kernel, head_bias = _probability_head(net)
    hidden = keras.layers.Dense(
        width, activation=keras_activation_name(net._network_spec.hidden_activation), name="hidden"
    )
    head = keras.layers.Dense(head_kernel.shape[1], activation="softmax", name="probabilities")
    model = keras.Sequential([*layers, hidden, head], name="sktoynet")
    hidden.set_weights([hidden_kernel, net.intercepts_[0]])
    head.set_weights([head_kernel, head_bias])
    return model


def _labels_record(estimator, net):
    record = {
        "classes": [plain_value(label) for label in net.classes_],
        "output": "probability of each class, columns in the order of 'classes'",
        "n_features_in": int(net.n_features_in_),
    }
    first = estimator.steps[0][1] if isinstance(estimator, Pipeline) else net
    if hasattr(first, "feature_names_in_"):
        record["feature_names_in"] = [str(name) for name in first.feature_names_in_]
    from sktoynet._versions import __version__

    record["sktoynet_version"] = __version__
    return record


def _check_overwrite(path, overwrite):
    if path.is_dir():
        raise IsADirectoryError(f"cannot save to {str(path)!r}: it is a folder.")
    if not overwrite and (path.exists() or path.is_symlink()):
        raise FileExistsError(
            f"{str(path)!r} exists; pass overwrite=True to replace it, or choose another path."
        )


def save_keras(estimator, path, *, overwrite=False):
    """Save :func:`to_keras`'s model to a ``.keras`` file, with the class labels.

    The file loads with ``keras.saving.load_model(path)`` in any process,
    without sktoynet. The labels are in the archive's member
    ``sktoynet.json``, next to Keras' own files; read them with the
    standard library::

        import json, zipfile
        labels = json.loads(zipfile.ZipFile(path).read("sktoynet.json"))["classes"]

    The file is written aside and renamed into place, so an error or an
    interrupt never leaves half a file, and never touches an existing file
    unless the new one is complete. It gets the mode a new file gets from
    ``open`` (such as 0644 under the usual umask of 022).

    Parameters
    ----------
    estimator : ToyNetClassifier or Pipeline
        As for :func:`to_keras`.
    path : str or path-like
        Where to write; must end with ``.keras``, as Keras requires.
    overwrite : bool, default=False
        Whether to replace an existing file at ``path``. Unlike Keras'
        ``model.save``, whose ``overwrite`` defaults to True, an existing
        file is refused unless asked for.

    Returns
    -------
    model : keras.Model
        The model that was saved.

    Raises
    ------
    ValueError
        If ``path`` does not end with ``.keras`` or its folder does not exist.
    FileExistsError
        If ``path`` exists and ``overwrite`` is False (checked before the
        model is built, and again just before the file is moved into place).

    See Also
    --------
    to_keras : The model, in memory.
    """
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"path must end with '.keras' (Keras' file format); got {str(path)!r}.")
    if not path.parent.is_dir():
        raise ValueError(
            f"cannot save to {str(path)!r}: folder {str(path.parent)!r} does not exist."
        )
    _check_overwrite(path, overwrite)
    scalers, net = _split(estimator)
    model = _build_model(scalers, net)
    staging = path.with_name(f".{path.stem}-{os.urandom(6).hex()}.keras")
    # Created by open()'s rules (0o666 less the umask), unlike mkstemp's 0o600.
    os.close(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    mode = os.stat(staging).st_mode
    try:
        with warnings.catch_warnings():
            # Keras on TensorFlow reads variables with np.array(tensor), which
            # NumPy 2 answers with a DeprecationWarning about ``copy``.
            warnings.filterwarnings("ignore", "__array__ implementation", DeprecationWarning)
            model.save(staging)
        with zipfile.ZipFile(staging, "a") as archive:
            archive.writestr(
                LABELS_MEMBER, json.dumps(_labels_record(estimator, net), default=str, indent=2)
            )
        os.chmod(staging, mode)  # in case Keras replaced the file rather than wrote it
        _check_overwrite(path, overwrite)  # a file may have appeared while saving
        os.replace(staging, path)
    finally:
        if os.path.exists(staging):
            os.remove(staging)
    return model
