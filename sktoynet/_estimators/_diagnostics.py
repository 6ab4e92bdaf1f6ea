"""Why a fit went wrong, in words a user can act on.

Each check looks for one of the known causes of a tiny network failing on
toy data and, when it finds it, warns (or raises) with the fix.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sktoynet.exceptions import TrainingDivergedError, UnscaledInputWarning

#: A feature is "unscaled" when |mean| > MEAN_LIMIT std, its std is outside
#: STD_RANGE, or it has values beyond +-VALUE_LIMIT (where tanh and sigmoid
#: units saturate from the first epoch), unless it is standardised: mean
#: within STANDARDISED_TOLERANCE of 0 and std within it of 1, as a
#: StandardScaler leaves it, however heavy its tails.
MEAN_LIMIT = 3.0
STD_RANGE = (0.1, 10.0)
VALUE_LIMIT = 10.0
STANDARDISED_TOLERANCE = 0.05

#: A learning rate at or above this is "very large" for a collapse diagnosis.
LARGE_LEARNING_RATE = 1.0


def unscaled_features(X):
    """Indices of the non-constant columns of ``X`` that are far from standardised."""
    mean = X.mean(axis=0, dtype=np.float64)
    std = X.std(axis=0, dtype=np.float64)
    varying = std > 0
    standardised = (np.abs(mean) <= STANDARDISED_TOLERANCE) & (
        np.abs(std - 1.0) <= STANDARDISED_TOLERANCE
    )
    far = (
        (np.abs(mean) > MEAN_LIMIT * std)
        | (std < STD_RANGE[0])
        | (std > STD_RANGE[1])
        | (np.abs(X).max(axis=0, initial=0.0) > VALUE_LIMIT)
    )
    return np.flatnonzero(varying & far & ~standardised)


def warn_if_unscaled(X, estimator_name, feature_names=None):
    """Warn when ``X`` looks unscaled, pointing to make_toynet / StandardScaler.

    Columns are named by ``feature_names`` (a DataFrame's columns) when
    given, else by their index.
    """
    columns = unscaled_features(X)
    if columns.size == 0:
        return
    names = [repr(str(feature_names[c])) if feature_names is not None else str(c) for c in columns]
    shown = ", ".join(names[:5]) + (", ..." if columns.size > 5 else "")
    warnings.warn(
        f"{estimator_name} got features far from standardised (columns {shown}: "
        f"|mean| > {MEAN_LIMIT:g} std, std outside [{STD_RANGE[0]:g}, {STD_RANGE[1]:g}] "
        f"or values beyond +-{VALUE_LIMIT:g}). "
        "Saturated units make a small network stall. Use make_toynet(), which puts a "
        "StandardScaler in front of the network, or scale X yourself.",
        UnscaledInputWarning,
        stacklevel=5,
    )


def learning_rate_too_high(loss_curve, learning_rate):
    """Whether a failed fit looks like overshooting: a very large rate, or a loss that rose."""
    curve = np.asarray(loss_curve, dtype=np.float64)
    rose = curve.size > 1 and not (curve[-1] <= curve[0])  # NaN counts as rising
    return learning_rate >= LARGE_LEARNING_RATE or rose


def warn_if_collapsed(predicted, y, classes, *, X, learning_rate, epochs, width, loss_curve):
    """Warn when every training row gets the same class while y has several.

    The advice follows the data ``X`` (the training rows), then the loss:
    when every feature is constant, nothing can separate the classes and no setting helps;
    after a loss that rose, or with a very large learning rate, the steps
    overshoot and a lower rate is the fix; otherwise training stalled, and a
    higher rate, more epochs or more units help.
    """
    predicted_classes = np.unique(predicted)
    if predicted_classes.size != 1 or np.unique(y).size < 2:
        return
    share = float(np.mean(y == predicted_classes[0]))
    label = classes[predicted_classes[0] : predicted_classes[0] + 1].tolist()[0]
    if np.all(np.ptp(X, axis=0) == 0):
        advice = (
            "Every feature has the same value on all samples: they carry no information "
            "about the class, and no learning rate, epochs or width can change that."
        )
    elif learning_rate_too_high(loss_curve, learning_rate):
        advice = (
            f"The learning rate looks too high (now {learning_rate:g}): try a lower "
            f"learning_rate, such as {min(learning_rate / 10, 0.1):g}."
        )
    else:
        advice = (
            f"Try a higher learning_rate (now {learning_rate:g}), more epochs (now "
            f"{epochs}) or a larger width (now {width}), and make sure the inputs are "
            "scaled (make_toynet does that)."
        )
    warnings.warn(
        f"The network predicts the single class {label!r} for every training sample "
        f"(training accuracy {share:.3f}): it has not learned to separate the classes. " + advice,
        ConvergenceWarning,
        stacklevel=5,
    )


def warn_not_converged(epochs):
    """MLPClassifier's warning when the epoch budget ran out first."""
    warnings.warn(
        f"ToyNetClassifier: maximum epochs ({epochs}) reached and the optimization "
        "hasn't converged yet. Increase epochs or learning_rate.",
        ConvergenceWarning,
        stacklevel=5,
    )


def all_restarts_diverged(learning_rate, n_init):
    """The error raised when no restart has a finite loss left."""
    return TrainingDivergedError(
        f"Training diverged in all {n_init} restart(s): the loss became NaN or "
        f"infinite. learning_rate={learning_rate:g} is too high for this data; "
        f"try a smaller one, such as {learning_rate / 10:g}."
    )
