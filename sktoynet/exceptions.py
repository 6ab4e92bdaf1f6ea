"""Warnings and errors that sktoynet raises, beside scikit-learn's own.

A network that did not converge gets scikit-learn's
:class:`~sklearn.exceptions.ConvergenceWarning`, as MLPClassifier does.
"""

__all__ = ["TrainingDivergedError", "UnscaledInputWarning"]


class UnscaledInputWarning(UserWarning):
    """The inputs are far from standardised, which stalls small networks.

    Raised by :class:`~sktoynet.ToyNetClassifier` when it is used without
    :func:`~sktoynet.make_toynet` (or another scaler) on such data.
    """


class TrainingDivergedError(FloatingPointError):
    """Every restart's loss became NaN or infinite: the learning rate is too high."""
