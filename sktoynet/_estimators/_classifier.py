"""ToyNetClassifier: a one-hidden-layer Keras network that just works on toy data."""

from contextlib import contextmanager
from dataclasses import replace
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import _fit_context
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from sktoynet._engine._forward import HIDDEN_ACTIVATIONS, predict_logits
from sktoynet._engine._keys import ProgramKey, is_known_optimizer
from sktoynet._engine._memory import check_fit_fits_in_memory
from sktoynet._engine._network import (
    NetworkSpec,
    build_network,
    initial_stacked_weights,
    unstack_weights,
)
from sktoynet._engine._programs import train_on_program
from sktoynet._estimators import _diagnostics
from sktoynet._estimators._scikeras_base import ScikerasClassifierBase
from sktoynet._estimators._validation import (
    check_class_weight,
    check_numeric_features,
    check_validation_split,
    encode_labels,
)

#: MLPClassifier's default mini-batch size cap.
AUTO_BATCH_SIZE = 200

#: Private attributes that belong to one fit, beside the public ones ending in "_":
#: the optimizer state and the shuffling generator are what ``partial_fit`` continues.
_PRIVATE_FIT_STATE = ("_network_spec", "_keras_model", "_optimizer_state", "_batch_rng")

#: Attributes of an early-stopping fit, which ``partial_fit`` (no hold-out) drops.
_VALIDATION_STATE = ("validation_scores_", "best_validation_score_")


def _is_fit_state(name):
    """Whether the attribute ``name`` belongs to a fit (ends in "_", or is private fit state)."""
    return (name.endswith("_") and not name.startswith("__")) or name in _PRIVATE_FIT_STATE


def copy_fit_state(source, target, skip=()):
    """Give ``target`` the fitted state of ``source``, but the attributes in ``skip``."""
    for name, value in vars(source).items():
        if _is_fit_state(name) and name not in skip:
            setattr(target, name, value)


def _stacked(coefs, intercepts):
    """One network's weights as stacked weights of a single restart."""
    kernel1, kernel2 = coefs
    bias1, bias2 = intercepts
    return [np.asarray(array, dtype=np.float32)[None] for array in (kernel1, bias1, kernel2, bias2)]


def encode_labels_as(y, classes):
    """Indices (int32) of the labels ``y`` in ``classes``; ValueError for a label not in it."""
    labels, inverse = encode_labels(y)
    index = {label: position for position, label in enumerate(classes.tolist())}
    unknown = [label for label in labels.tolist() if label not in index]
    if unknown:
        raise ValueError(
            f"y has labels that are not in classes: {unknown!r}; the classes are "
            f"{classes.tolist()!r}."
        )
    return np.array([index[label] for label in labels.tolist()], dtype=np.int32)[inverse]


class ToyNetClassifier(ScikerasClassifierBase):
    """A small Keras network for toy and small tabular classification.

    One hidden layer of ``width`` units and an output head chosen from the
    data: one sigmoid unit with binary cross-entropy for two classes, a
    softmax over the classes with categorical cross-entropy for more. Any
    labels are accepted (1/2, -1/1, strings, booleans, categoricals) and
    predictions come back in the original labels.

    ``n_init`` networks are trained together from independent random starts
    and the one with the lowest final training loss is kept, so that an
    unlucky initialisation does not decide the result. Training stops when
    the loss stops improving, as in MLPClassifier.

    The network does not scale its inputs: use :func:`make_toynet`, which
    puts a :class:`~sklearn.preprocessing.StandardScaler` in front of it.

    Built on scikeras' ``KerasClassifier``; the training loop is sktoynet's
    own, compiled once per network shape and reused across fits.

    Parameters
    ----------
    width : int, default=8
        Number of hidden units.
    hidden_activation : str, default="tanh"
        Activation of the hidden layer, by its Keras name: "tanh", "relu",
        "sigmoid", "linear", "elu", "selu", "gelu", "softplus", "softsign",
        "silu" (or "swish"), "leaky_relu", "mish", "relu6" or "hard_sigmoid";
        MLPClassifier's "logistic" and "identity" are accepted too.
    learning_rate : float, default=0.1
        Learning rate of the optimizer. Higher than Keras' 0.001 on purpose:
        at 0.001 a two-unit network sits at 50 % on a toy problem for dozens
        of epochs.
    optimizer : str, default="adam"
        Name of a Keras optimizer ("adam", "sgd", "rmsprop", "adamw", ...).
    alpha : float, default=0.0
        Strength of the L2 penalty on the weights (not the biases), as in
        MLPClassifier: ``0.5 * alpha * sum of squared weights / n_samples``
        is added to the loss, where ``n_samples`` is the total sample weight
        (the number of rows without ``sample_weight``). Unlike MLPClassifier,
        which divides by each mini-batch's size, the penalty is divided by
        the whole training set's, so that ``alpha`` means the same at every
        ``batch_size``; the two agree when one batch holds every row
        (``batch_size="auto"`` on up to 200 rows). A change of ``alpha``
        reuses the compiled program. See :ref:`l2-penalty`.
    epochs : int, default=500
        Maximum number of passes over the training data; training usually
        stops well before, when the loss stops improving.
    batch_size : int or "auto", default="auto"
        Rows per mini-batch; "auto" is ``min(200, n_samples)``, as in
        MLPClassifier.
    n_init : int, default=8
        Number of independent initialisations trained together; the one
        with the lowest final training loss (or, with ``early_stopping``,
        the best validation score) is kept.
    restarts : {"all", "race"}, default="all"
        How the ``n_init`` restarts train. "all": every restart trains
        until training stops. "race": as a race, in the spirit
        of successive halving; at epochs 25, 50, 100, ..., while the best
        restart's loss is still falling clearly (20 % lower than at half as
        many epochs), the worse half by training loss (with
        ``early_stopping``, by best validation accuracy) stops, down to two
        restarts that train to the end; restarts that stopped cost no more
        computation on data large enough for it to matter. The kept network
        is the best of the restarts that finished. Racing is faster on larger
        data but solved a few fits fewer on the reliability benchmark, so it
        is not the default. See :ref:`racing-restarts`.
    tol : float, default=1e-4
        Tolerance of the stopping rule: training stops when the loss (or the
        validation score) has not improved by at least ``tol`` for
        ``n_iter_no_change`` consecutive epochs.
    n_iter_no_change : int, default=10
        Epochs without improvement tolerated before stopping.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified)
        and stop on its accuracy instead of the training loss; each restart
        keeps its weights from its best validation epoch.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True``.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, as in
        :func:`~sklearn.utils.class_weight.compute_sample_weight`; multiplied
        into ``sample_weight``.
    warm_start : bool, default=False
        When True, ``fit`` continues the kept network of the previous fit
        instead of starting from new random weights, as MLPClassifier does:
        one network trains on (``n_init`` applies only to a fresh start), with
        a fresh optimizer state. The data must have the same features and
        classes, and ``width`` must not change. See :ref:`warm-start`.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial weights, the mini-batch order and the validation
        split. An int gives identical fits; it does not touch any global
        random state.
    verbose : int, default=0
        0 is silent; 1 or more prints the training loss after each epoch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted, in their original dtype.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when X was a DataFrame with string column names.
    out_activation_ : {"logistic", "softmax"}
        The head that was chosen: "logistic" (one sigmoid unit) for two
        classes, "softmax" for more.
    n_outputs_ : int
        Number of output units (1 for two classes, else n_classes).
    coefs_ : list of ndarray
        Weight matrices of the kept network, as in MLPClassifier:
        ``(n_features, width)`` and ``(width, n_outputs_)``.
    intercepts_ : list of ndarray
        Bias vectors of the kept network.
    loss_ : float
        Final training loss of the kept network.
    loss_curve_ : list of float
        Training loss of the kept network at each epoch.
    best_loss_ : float
        Lowest training loss of the kept network over the epochs.
    n_iter_ : int
        Number of epochs run.
    best_init_ : int
        Index of the kept restart.
    init_losses_ : ndarray of shape (n_init,)
        Training loss of each restart at its last epoch: the final epoch, or
        the checkpoint where the race dropped it (NaN or inf for a restart
        that diverged).
    init_epochs_ : ndarray of shape (n_init,)
        Epochs each restart trained: ``n_iter_``, or fewer for a restart
        that the race dropped.
    init_loss_curves_ : ndarray of shape (`n_iter_`, n_init)
        Training loss of each restart at each epoch (of the last call, for
        ``partial_fit``); NaN after the epoch where the race dropped it.
    validation_scores_ : list of float
        Validation accuracy of the kept network at each epoch; only with
        ``early_stopping=True``.
    best_validation_score_ : float
        Best validation accuracy of the kept network; only with
        ``early_stopping=True``.
    history_ : dict
        The curves above in scikeras' form: ``{"loss": [...]}``, plus
        ``"val_accuracy"`` with early stopping.
    model_ : keras.Model
        The kept network as a Keras model (built on first access).

    See Also
    --------
    make_toynet : ToyNetClassifier behind a StandardScaler, in a Pipeline.
    sklearn.neural_network.MLPClassifier : scikit-learn's multi-layer perceptron.

    Notes
    -----
    The restarts are one Keras model whose layers hold ``n_init`` stacked
    weight sets; their losses are summed, which leaves each restart's
    gradients and optimizer state independent. A restart whose loss becomes
    NaN or infinite is dropped; if all do, fit raises
    :class:`~sktoynet.exceptions.TrainingDivergedError`.

    Examples
    --------
    >>> from sktoynet import ToyNetClassifier
    >>> from sktoynet.datasets import make_two_squares
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = make_two_squares(random_state=0)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = ToyNetClassifier(random_state=0).fit(X, y)
    >>> clf.classes_
    array([1, 2])
    >>> clf.out_activation_
    'logistic'
    >>> clf.score(X, y)
    1.0
    """

    _parameter_constraints: dict = {
        "width": [Interval(Integral, 1, None, closed="left")],
        "hidden_activation": [StrOptions(set(HIDDEN_ACTIVATIONS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [str],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "restarts": [StrOptions({"race", "all"})],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        width=8,
        hidden_activation="tanh",
        learning_rate=0.1,
        optimizer="adam",
        alpha=0.0,
        epochs=500,
        batch_size="auto",
        n_init=8,
        restarts="all",
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        class_weight=None,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        self.width = width
        self.hidden_activation = hidden_activation
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.alpha = alpha
        self.epochs = epochs
        self.batch_size = batch_size
        self.n_init = n_init
        self.restarts = restarts
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Train ``n_init`` networks on (X, y) and keep the best one.

        With ``warm_start=True`` and a fitted network, continue that network
        instead (see ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, numeric. Scale it (or use :func:`make_toynet`).
        y : array-like of shape (n_samples,)
            Class labels of any kind; at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : ToyNetClassifier
            The fitted estimator.
        """
        with self._unchanged_on_failure():
            return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train the network for one epoch (one pass) over (X, y).

        As MLPClassifier's ``partial_fit``: the first call starts one network
        from random weights (``n_init`` does not apply) and each later call
        continues it, optimizer state included, so that calls on successive
        chunks of data train like the epochs of one fit. After :meth:`fit`,
        it continues the kept network and the optimizer state it ended with.
        Every call runs the same compiled program as ``fit`` (for one
        network), compiled on the first call only. There is no stopping rule
        and no ``early_stopping`` hold-out: the caller decides how many calls.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows, numeric and scaled as the rows of earlier calls.
        y : array-like of shape (n_samples,)
            Their labels, all among ``classes``.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data. Required on the first call (the
            network's output layer depends on it); later calls may omit it.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : ToyNetClassifier
            The estimator, one epoch further trained.
        """
        with self._unchanged_on_failure():
            return self._partial_fit(X, y, classes, sample_weight)

    @contextmanager
    def _unchanged_on_failure(self):
        # A context, not a wrapper: no extra frame, so that the warnings' stacklevel
        # still points at the caller of fit.
        previous_state = dict(self.__dict__)
        try:
            yield
        except BaseException:
            # A failed or interrupted fit leaves the estimator as it was.
            self.__dict__.clear()
            self.__dict__.update(previous_state)
            raise

    @_fit_context(prefer_skip_nested_validation=True)
    def _fit(self, X, y, sample_weight):
        kept = self._kept_network() if self.warm_start else None
        X, y, classes, y_encoded, sample_weight = self._checked_fit_data(X, y, sample_weight)
        if kept is not None:
            self._check_continues(kept, classes, X.shape[1], "warm_start=True")
        sample_weight = self._training_weights(sample_weight, y)
        rng = check_random_state(self.random_state)
        n_outputs = 1 if classes.size == 2 else classes.size
        validation = None
        X_train, y_train, w_train = X, y_encoded, sample_weight
        if self.early_stopping:
            check_validation_split(y_encoded, classes, self.validation_fraction)
            X_train, X_val, y_train, y_val, w_train, _ = train_test_split(
                X,
                y_encoded,
                sample_weight,
                test_size=self.validation_fraction,
                random_state=rng,
                stratify=y_encoded,
            )
            validation = (X_val, y_val)

        spec = NetworkSpec(
            n_features=X.shape[1],
            width=self.width,
            n_outputs=n_outputs,
            hidden_activation=self.hidden_activation,
            n_init=self.n_init if kept is None else 1,
        )
        # A warm start continues the kept network with a fresh optimizer state,
        # as MLPClassifier's does.
        initial_weights = (
            initial_stacked_weights(spec, rng) if kept is None else _stacked(*kept[2:])
        )
        outcome, _ = self._train(
            spec,
            X_train,
            y_train,
            w_train,
            initial_weights=initial_weights,
            epochs=self.epochs,
            rng=rng,
            validation=validation,
            report_epoch=self._print_epoch if self.verbose else None,
        )
        self._store_outcome(outcome, spec, classes)
        # What partial_fit continues after this fit, as MLPClassifier's does.
        self._optimizer_state = (self.optimizer, outcome.member_optimizer_state(self.best_init_))

        if not outcome.converged:
            _diagnostics.warn_not_converged(self.epochs)
        _diagnostics.warn_if_collapsed(
            self._predict_indices(X),
            y_encoded,
            classes,
            learning_rate=self.learning_rate,
            epochs=self.epochs,
            width=self.width,
            loss_curve=self.loss_curve_,
            X=X,
        )
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def _partial_fit(self, X, y, classes, sample_weight):
        kept = self._kept_network()
        if kept is None and classes is None:
            # scikit-learn's message (sklearn.utils.multiclass._check_partial_fit_first_call).
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported for partial_fit: one call sees "
                "only a chunk of the data. Compute the weights once with "
                "sklearn.utils.class_weight.compute_class_weight('balanced', classes=classes, "
                "y=y) on enough of the labels, and pass them as a class_weight dict."
            )
        self._check_optimizer_name()
        check_numeric_features(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=np.float32, reset=kept is None)
        check_classification_targets(y)
        if classes is not None:
            classes = encode_labels(np.asarray(classes))[0]
        if kept is None:
            if classes.size < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes, but classes has "
                    f"{classes.size}: {classes.tolist()!r}."
                )
        else:
            if classes is not None and not np.array_equal(classes, kept[0]):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on last call to partial_fit, "
                    f"was: {kept[0]!r}"
                )
            classes = kept[0]
            self._check_continues(kept, classes, X.shape[1], "partial_fit")
        y_encoded = encode_labels_as(y, classes)
        check_class_weight(self.class_weight, classes)
        weights = _check_sample_weight(sample_weight, X, dtype=np.float32, ensure_non_negative=True)
        weights = self._training_weights(weights, y)
        if kept is None:
            _diagnostics.warn_if_unscaled(
                X, type(self).__name__, getattr(self, "feature_names_in_", None)
            )

        spec = NetworkSpec(
            n_features=X.shape[1],
            width=self.width,
            n_outputs=1 if classes.size == 2 else classes.size,
            hidden_activation=self.hidden_activation,
        )
        rng = self.__dict__.get("_batch_rng")
        if rng is None:  # the first call, or the first after fit
            rng = check_random_state(self.random_state)
        previous_curve = [] if kept is None else list(self.loss_curve_)
        outcome, _ = self._train(
            spec,
            X,
            y_encoded,
            weights,
            initial_weights=initial_stacked_weights(spec, rng)
            if kept is None
            else _stacked(*kept[2:]),
            epochs=1,
            rng=rng,
            optimizer_state=self._saved_optimizer_state(),
        )
        for name in _VALIDATION_STATE:
            self.__dict__.pop(name, None)
        self._store_outcome(outcome, spec, classes)
        self.loss_curve_ = previous_curve + self.loss_curve_
        self.best_loss_ = float(np.min(self.loss_curve_))
        self.n_iter_ = len(self.loss_curve_)
        self.history_ = {"loss": self.loss_curve_}
        self._optimizer_state = (self.optimizer, outcome.optimizer_state)  # all its own
        self._batch_rng = rng
        return self

    def _saved_optimizer_state(self):
        """The optimizer state the last fit or call ended with, if it was of ``optimizer``."""
        optimizer, state = self.__dict__.get("_optimizer_state", (None, None))
        return state if optimizer == self.optimizer else None

    def _kept_network(self):
        """``(classes_, n_features_in_, coefs_, intercepts_)`` of the fitted network, or None."""
        if "coefs_" not in self.__dict__:
            return None
        return self.classes_, self.n_features_in_, self.coefs_, self.intercepts_

    def _check_continues(self, kept, classes, n_features, caller):
        """Raise ValueError when the kept network cannot continue on this data and ``width``."""
        kept_classes, kept_features, coefs, _ = kept
        problem = None
        if not np.array_equal(classes, kept_classes):
            problem = (
                f"y has the classes {classes.tolist()!r} where it was trained on "
                f"{kept_classes.tolist()!r}"
            )
        elif n_features != kept_features:
            problem = f"X has {n_features} features where it was trained on {kept_features}"
        elif coefs[0].shape[1] != self.width:
            problem = f"width={self.width} where it has {coefs[0].shape[1]} hidden units"
        if problem is not None:
            restart = "fit with warm_start=False" if caller == "warm_start=True" else "call fit"
            raise ValueError(
                f"{caller} continues the kept network, but {problem}; {restart} to start "
                "a new network."
            )

    def _train(self, spec, X, y, w, *, initial_weights, epochs, rng, optimizer_state=None, **kw):
        """Train on the program of ``spec`` (see ``train_on_program``): ``(outcome, program)``.

        ``kw`` goes to ``train_restarts`` (``validation``, ``report_epoch``).
        """
        batch_size = AUTO_BATCH_SIZE if self.batch_size == "auto" else self.batch_size
        key = ProgramKey.for_fit(
            spec,
            self.optimizer,
            batch_size,
            n_rows=X.shape[0],
            with_validation=kw.get("validation") is not None,
        )
        check_fit_fits_in_memory(self, key, X.shape[0], X.shape[1])
        return train_on_program(
            key,
            X,
            y,
            w,
            estimator=self,
            initial_weights=initial_weights,
            learning_rate=float(self.learning_rate),
            epochs=epochs,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            rng=rng,
            alpha=float(self.alpha),
            optimizer_state=optimizer_state,
            restarts=self.restarts,
            **kw,
        )

    def _checked_fit_data(self, X, y, sample_weight):
        """Forget the previous fit and check the data: ``X, y, classes, y_encoded, weights``.

        ``y_encoded`` holds class indices (int32); ``weights`` are the checked
        ``sample_weight``, without ``class_weight`` (see :meth:`_training_weights`).
        """
        self._forget_previous_fit()
        self._check_optimizer_name()
        check_numeric_features(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=np.float32, reset=True)
        classes, y_encoded = encode_labels(y)  # first: it explains labels that cannot be sorted
        check_classification_targets(y)
        if classes.size < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, but "
                f"the data contains only one class: {classes.tolist()[0]!r}."
            )
        check_class_weight(self.class_weight, classes)
        weights = _check_sample_weight(sample_weight, X, dtype=np.float32, ensure_non_negative=True)
        _diagnostics.warn_if_unscaled(
            X, type(self).__name__, getattr(self, "feature_names_in_", None)
        )
        return X, y, classes, y_encoded.astype(np.int32), weights

    def _forget_previous_fit(self):
        """Remove every attribute of an earlier fit, so that none outlives it."""
        for name in list(self.__dict__):
            if _is_fit_state(name):
                del self.__dict__[name]

    def _check_optimizer_name(self):
        if not is_known_optimizer(self.optimizer):
            raise ValueError(
                "The 'optimizer' parameter of ToyNetClassifier must be the name of a "
                "Keras optimizer, such as 'adam', 'sgd' or 'rmsprop'. "
                f"Got {self.optimizer!r} instead."
            )

    def _training_weights(self, weights, y):
        """``weights`` times the ``class_weight`` of the labels ``y``; refuse all zero."""
        if self.class_weight is not None:
            weights = weights * compute_sample_weight(self.class_weight, y).astype(np.float32)
        if not np.any(weights > 0):
            raise ValueError(
                "All sample weights are zero (after applying class_weight): there is "
                "nothing to train on."
            )
        return weights

    def _store_outcome(self, outcome, spec, classes):
        final_losses = outcome.loss_curves[-1]
        # The race's dropped restarts have no final loss (NaN): never kept.
        usable = np.isfinite(final_losses) & outcome.finished
        if not usable.any():
            raise _diagnostics.all_restarts_diverged(self.learning_rate, self.n_init)
        if outcome.validation_curves is None:
            best = int(np.argmin(np.where(usable, final_losses, np.inf)))
        else:
            best_scores = np.where(usable, outcome.validation_curves.max(axis=0), -np.inf)
            # Best validation score first; the lower final loss breaks ties.
            candidates = np.flatnonzero(best_scores == best_scores.max())
            best = int(candidates[np.argmin(final_losses[candidates])])
            self.validation_scores_ = outcome.validation_curves[:, best].tolist()
            self.best_validation_score_ = float(best_scores[best])

        self.classes_ = classes
        self.n_outputs_ = spec.n_outputs
        self.out_activation_ = "logistic" if spec.n_outputs == 1 else "softmax"
        self.coefs_, self.intercepts_ = unstack_weights(outcome.stacked_weights, best)
        self.best_init_ = best
        self.init_losses_ = outcome.last_losses
        self.init_loss_curves_ = outcome.loss_curves.copy()
        self.init_epochs_ = (
            np.full(final_losses.size, outcome.n_iter)
            if outcome.trained_epochs is None
            else outcome.trained_epochs.copy()
        )
        self.loss_curve_ = outcome.loss_curves[:, best].tolist()
        self.loss_ = self.loss_curve_[-1]
        self.best_loss_ = float(np.min(self.loss_curve_))
        self.n_iter_ = outcome.n_iter
        self.history_ = {"loss": self.loss_curve_}
        if outcome.validation_curves is not None:
            self.history_["val_accuracy"] = self.validation_scores_
        self._network_spec = replace(spec, n_init=1)  # the kept network alone
        self._keras_model = None

    def _print_epoch(self, epoch, loss):
        print(f"Epoch {epoch}, loss = {loss:.8f}")

    def _logits(self, X):
        spec = self._network_spec
        return predict_logits(X, self.coefs_, self.intercepts_, spec.hidden_activation)

    def _predict_indices(self, X):
        logits = self._logits(X)
        if self.n_outputs_ == 1:
            return (logits[:, 0] > 0).astype(np.intp)
        return np.argmax(logits, axis=1)

    def predict_proba(self, X):
        """Probability of each class, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data, scaled as the training data was.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to 1. For two classes the columns are ``[1 - p, p]``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        logits = np.nan_to_num(self._logits(X), nan=0.0)
        if self.n_outputs_ == 1:
            positive = expit(logits[:, 0])
            return np.column_stack([1.0 - positive, positive])
        return softmax(logits, axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predicted class of each row, in the original labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data, scaled as the training data was.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Labels from ``classes_``, in their original dtype.
        """
        # predict_proba first: before fit it raises NotFittedError, where
        # reading classes_ first would raise a bare AttributeError.
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of :meth:`predict` on ``X`` against ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data, scaled as the training data was.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row in the mean.

        Returns
        -------
        score : float
            The share of rows predicted right (weighted, with weights).
        """
        return super().score(X, y, sample_weight=sample_weight)

    @property
    def model_(self):
        """The kept network as a Keras model, built from the fitted weights."""
        if "coefs_" not in self.__dict__:
            raise AttributeError("ToyNetClassifier is not fitted yet: no model_.")
        if self.__dict__.get("_keras_model") is None:
            self._keras_model = build_network(self._network_spec, self.coefs_, self.intercepts_)
        return self._keras_model

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_keras_model", None)  # rebuilt from coefs_ on demand
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags
