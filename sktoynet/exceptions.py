"""Warnings and errors that sktoynet raises, beside scikit-learn's own.

A network that did not converge gets scikit-learn's
:class:`~sklearn.exceptions.ConvergenceWarning`, as MLPClassifier does.
"""

__all__ = ["TrainingDivergedError", "UnscaledInputWarning"]


class UnscaledInputWarning(UserWarning):
    """The inputs are far from standardised, which stalls small networks.

    Raised by :class:`~sktoynet.ToyNetClassifier` when it is used without
    :func:`~sktoynet.make_toynet` (or another scaler) on such data: a column
    whose mean is more than 3 standard deviations away from zero, whose
    standard deviation is below 0.1 or above 10, or which has values beyond
    +-10 (where tanh and sigmoid units saturate). The message names the
    columns.

    See Also
    --------
    sktoynet.make_toynet : ToyNetClassifier behind a StandardScaler.
    sklearn.preprocessing.StandardScaler : The scaler that avoids the warning.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from sktoynet import ToyNetClassifier
    >>> from sktoynet.exceptions import UnscaledInputWarning
    >>> X = np.array([[1000.0], [1001.0], [1002.0], [1003.0]])
    >>> y = [0, 0, 1, 1]
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = ToyNetClassifier(epochs=5, n_init=1, random_state=0).fit(X, y)
    >>> any(issubclass(w.category, UnscaledInputWarning) for w in caught)
    True
    """


class TrainingDivergedError(FloatingPointError):
    """Every restart's loss became NaN or infinite: the learning rate is too high.

    Raised by :meth:`ToyNetClassifier.fit <sktoynet.ToyNetClassifier.fit>`
    when no restart has a finite loss left; the message suggests a smaller
    ``learning_rate``. A restart that diverges while others do not is
    dropped silently. It is a :class:`FloatingPointError`, so code that
    already catches that keeps working.

    See Also
    --------
    sktoynet.ToyNetClassifier : Its ``init_losses_`` show which restarts diverged.

    Examples
    --------
    >>> from sktoynet.exceptions import TrainingDivergedError
    >>> issubclass(TrainingDivergedError, FloatingPointError)
    True
    >>> try:
    ...     raise TrainingDivergedError("learning_rate=1e+06 is too high")
    ... except FloatingPointError as error:
    ...     print(type(error).__name__)
    TrainingDivergedError
    """
