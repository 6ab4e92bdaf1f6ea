"""ToyNetClassifierCV: the learning rate and width chosen by cross-validation, in one program."""

import time
from dataclasses import replace
from numbers import Integral, Real

import numpy as np
from scipy.stats import rankdata
from sklearn.base import _fit_context
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import ParameterGrid, check_cv, train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from sktoynet._engine._keys import PER_MEMBER_OPTIMIZERS
from sktoynet._engine._members import Fits, NetworkSet, Training, train_network_sets
from sktoynet._engine._network import NetworkSpec, initial_stacked_weights
from sktoynet._estimators import _diagnostics
from sktoynet._estimators._classifier import AUTO_BATCH_SIZE, ToyNetClassifier, copy_fit_state
from sktoynet._estimators._grid_ties import best_index
from sktoynet._estimators._scikeras_base import not_offered
from sktoynet._estimators._validation import check_validation_split
from sktoynet.exceptions import TrainingDivergedError

#: ToyNetClassifier's parameters that the grid replaces.
_GRID_PARAMS = ("learning_rate", "width")

#: ToyNetClassifier's parameters that a search does not have: it always starts afresh.
SINGLE_NETWORK_PARAMS = ("warm_start",)

#: Fitted attributes of the search itself, not of the kept network.
_CV_ATTRIBUTES = (
    "best_params_",
    "best_score_",
    "best_index_",
    "cv_results_",
    "n_splits_",
    "learning_rate_",
    "width_",
    "_outcomes_",
)


class ToyNetClassifierCV(ToyNetClassifier):
    """ToyNetClassifier with its learning rate and width chosen by cross-validation.

    Like :class:`~sklearn.linear_model.LogisticRegressionCV` for ``C``:
    ``fit`` cross-validates every pair of ``learning_rates`` x ``widths``,
    picks the best, and refits on all the data with it; the estimator then
    predicts like a :class:`ToyNetClassifier` with those parameters.

    Where ``GridSearchCV(make_toynet(), ...)`` fits one network per grid
    point and fold, one after the other, here every network of the search
    (grid points x folds, the refits, times ``n_init`` restarts) trains
    together in one compiled program. Each network has its own learning
    rate, width, training rows and stopping rule, so it learns as it would
    alone.

    The network does not scale its inputs: use :func:`make_toynet_cv`,
    which puts a :class:`~sklearn.preprocessing.StandardScaler` in front.

    Parameters
    ----------
    learning_rates : array-like of float, default=(0.001, 0.01, 0.1)
        Learning rates to try.
    widths : array-like of int, default=(2, 4, 8)
        Numbers of hidden units to try.
    cv : int, cross-validation generator or iterable, default=5
        Folds, as in :class:`~sklearn.model_selection.GridSearchCV`: an int
        is a :class:`~sklearn.model_selection.StratifiedKFold` without
        shuffling.
    scoring : str or callable, default="accuracy"
        The score that chooses the grid point, a scikit-learn scorer name or
        callable. Points within one standard error of the best mean score
        count as tied; ties go to the better mean held-out log-loss, then to
        the first in the grid (as in :func:`~sktoynet.compare`).
    refit : bool, default=True
        Refit on all the data with the best grid point. With False, the
        estimator keeps the best grid point's network from the fold where it
        scored best.
    return_train_score : bool, default=False
        Also score each fold's network on its training rows, as
        GridSearchCV's ``return_train_score`` (``split{k}_train_score``,
        ``mean_train_score``, ...).
    hidden_activation : str, default="tanh"
        As in :class:`ToyNetClassifier`.
    optimizer : str, default="adam"
        Name of the Keras optimizer: "adam", "adamw", "adamax", "nadam",
        "rmsprop", "sgd", "adagrad", "adadelta" or "lion". Only optimizers whose step is
        proportional to the learning rate are offered: every network steps at
        unit rate and its step is scaled by its own rate.
    alpha : float, default=0.0
        L2 penalty, as in :class:`ToyNetClassifier`, one value for every
        grid point (not searched); each fold's network divides it by its
        own training rows' total weight.
    epochs : int, default=500
        As in :class:`ToyNetClassifier`.
    batch_size : int or "auto", default="auto"
        Rows per mini-batch of each network's training rows; "auto" is
        ``min(200, n_training_rows)``, as in :class:`ToyNetClassifier`.
    n_init : int, default=8
        As in :class:`ToyNetClassifier`, for every grid point and fold.
    restarts : {"all", "race"}, default="all"
        As in :class:`ToyNetClassifier`; with "race", the restarts of each
        grid point on each fold race among themselves.
    tol : float, default=1e-4
        As in :class:`ToyNetClassifier`.
    n_iter_no_change : int, default=10
        As in :class:`ToyNetClassifier`.
    early_stopping : bool, default=False
        As in :class:`ToyNetClassifier`; the validation rows are taken from
        each fold's training rows.
    validation_fraction : float, default=0.1
        As in :class:`ToyNetClassifier`.
    class_weight : dict, "balanced" or None, default=None
        As in :class:`ToyNetClassifier`; "balanced" is computed on each
        fold's training rows.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial weights, the mini-batch order and the validation
        splits.
    verbose : int, default=0
        0 is silent; 1 or more prints the mean training loss after each epoch.

    Attributes
    ----------
    best_params_ : dict
        The chosen ``{"learning_rate": ..., "width": ...}``.
    best_score_ : float
        Mean held-out score of the best grid point.
    best_index_ : int
        Index of the best grid point in ``cv_results_["params"]``.
    cv_results_ : dict of ndarray
        In :class:`~sklearn.model_selection.GridSearchCV`'s format, with two
        metrics: ``score`` (``scoring``) and ``neg_log_loss``. Keys
        ``params``, ``param_learning_rate``, ``param_width``,
        ``split{k}_test_score``, ``mean_test_score``, ``std_test_score``,
        ``rank_test_score``, the same for ``neg_log_loss``, and
        ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
        ``std_score_time``. The fit time is the training time of the whole
        program shared out evenly over the grid points and folds.
    n_splits_ : int
        Number of folds.
    learning_rate_ : float
        The chosen learning rate.
    width_ : int
        The chosen width.
    classes_, n_features_in_, feature_names_in_, out_activation_, n_outputs_, \
coefs_, intercepts_, loss_, loss_curve_, best_loss_, n_iter_, best_init_, \
init_losses_, validation_scores_, best_validation_score_, history_, model_
        Those of the kept network, as in :class:`ToyNetClassifier`.

    See Also
    --------
    make_toynet_cv : ToyNetClassifierCV behind a StandardScaler, in a Pipeline.
    ToyNetClassifier : The network with a fixed learning rate and width.
    sklearn.model_selection.GridSearchCV : The general search, one fit at a time.

    Notes
    -----
    All the networks are restarts of one stacked network (see
    :class:`ToyNetClassifier`), in blocks by width bucket (each block as wide
    as its widest grid point), with per-network row weights (a fold's
    held-out rows weigh zero for it). The optimizer
    runs at unit learning rate and each network's step is multiplied by its
    own rate, which is exact at a constant rate for the optimizers offered.
    Every network shares the mini-batch order over all the rows, in batches
    of ``batch_size`` rows, so that the refit trains as a ToyNetClassifier
    would; a fold's network finds about ``(k - 1) / k`` of each batch to be
    its own rows. A network (a grid point on a fold, with its restarts)
    that meets the stopping rule stops changing while the others train on.
    So the scores match those of ``GridSearchCV(make_toynet(...))`` on the
    same folds statistically, not bit for bit.

    In a :class:`~sklearn.pipeline.Pipeline`, the scaler in front is fitted
    on all the rows before the folds are cut, as for any ``*CV`` estimator.

    The program is called once per learning rate, and for large networks
    once per learning rate and width bucket, so that networks that stop
    early are not computed until the slowest stops (narrow networks often
    train longer than wide ones); calls of one shape share one compiled
    program. When one call's grid points would not fit in memory, they are
    trained in smaller chunks, one call after another.

    Examples
    --------
    >>> from sktoynet import make_toynet_cv
    >>> from sktoynet.datasets import make_two_squares
    >>> X, y = make_two_squares(random_state=0)
    >>> model = make_toynet_cv(
    ...     learning_rates=[0.01, 0.1], widths=[2, 8], cv=3, random_state=0
    ... ).fit(X, y)
    >>> sorted(model[-1].best_params_)
    ['learning_rate', 'width']
    >>> model.score(X, y)
    1.0
    """

    _parameter_constraints: dict = {
        **{
            name: rule
            for name, rule in ToyNetClassifier._parameter_constraints.items()
            if name not in _GRID_PARAMS + SINGLE_NETWORK_PARAMS
        },
        "learning_rates": ["array-like"],
        "widths": ["array-like"],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable],
        "refit": ["boolean"],
        "return_train_score": ["boolean"],
        "optimizer": [StrOptions(set(PER_MEMBER_OPTIMIZERS))],
    }

    def __init__(
        self,
        *,
        learning_rates=(0.001, 0.01, 0.1),
        widths=(2, 4, 8),
        cv=5,
        scoring="accuracy",
        refit=True,
        return_train_score=False,
        hidden_activation="tanh",
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
        random_state=None,
        verbose=0,
    ):
        self.learning_rates = learning_rates
        self.widths = widths
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.return_train_score = return_train_score
        self.hidden_activation = hidden_activation
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
        self.random_state = random_state
        self.verbose = verbose

    # A search trains the whole grid afresh; there is no one network to continue.
    partial_fit = not_offered(ToyNetClassifier.partial_fit)

    def fit(self, X, y, sample_weight=None):
        """Cross-validate the grid, then refit on all the data with the best point.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, numeric. Scale it (or use :func:`make_toynet_cv`).
        y : array-like of shape (n_samples,)
            Class labels of any kind; at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the training loss (not in the scores).

        Returns
        -------
        self : ToyNetClassifierCV
            The fitted estimator.
        """
        return super().fit(X, y, sample_weight)

    def kept_network(self, index=None):
        """A kept network as a fitted :class:`ToyNetClassifier`.

        Parameters
        ----------
        index : int, default=None
            A grid point, as an index into ``cv_results_["params"]``; None is
            ``best_index_``. With ``refit=True`` every grid point was also
            trained on all the data, in the same program, so any point's
            network can be had; with ``refit=False`` only the best point's.

        Returns
        -------
        network : ToyNetClassifier
            Fitted, with ``learning_rate`` and ``width`` set to that grid
            point. For the best point it predicts exactly as this estimator
            does.
        """
        check_is_fitted(self)
        index = self.best_index_ if index is None else int(index)
        if index == self.best_index_:
            network = self._network(self.best_params_)
            copy_fit_state(self, network, skip=_CV_ATTRIBUTES)
            return network
        if not self.refit:
            raise ValueError(
                "With refit=False, ToyNetClassifierCV keeps only the best grid point's "
                f"network (index {self.best_index_}); got index={index}."
            )
        return self._fitted_network(index, self.n_splits_)

    def fold_network(self, index, split):
        """The network of grid point ``index`` trained on the training rows of fold ``split``.

        Returns
        -------
        network : ToyNetClassifier
            Fitted on that fold's training rows only: its predictions on the
            fold's held-out rows are out of fold.
        """
        check_is_fitted(self)
        if not 0 <= split < self.n_splits_:
            raise ValueError(f"split must be in [0, {self.n_splits_}); got {split}.")
        return self._fitted_network(int(index), int(split))

    def _fitted_network(self, index, fit):
        outcome, spec = self._outcomes_[index, fit]
        network = self._network(self.cv_results_["params"][index])
        network._store_outcome(outcome, spec, self.classes_)
        # A fold whose own preprocessing gave fewer columns has fewer features.
        network.n_features_in_ = spec.n_features
        if hasattr(self, "feature_names_in_") and spec.n_features == self.n_features_in_:
            network.feature_names_in_ = self.feature_names_in_
        return network

    def _check_optimizer_name(self):
        pass  # _parameter_constraints lists the optimizers offered

    def _grid(self):
        """The grid points, in GridSearchCV's order, after checking the values."""
        rates = np.ravel(np.asarray(self.learning_rates, dtype=object))
        widths = np.ravel(np.asarray(self.widths, dtype=object))
        if rates.size == 0 or not all(
            isinstance(rate, Real) and not isinstance(rate, bool) and np.isfinite(rate) and rate > 0
            for rate in rates
        ):
            raise ValueError(
                "The 'learning_rates' parameter of ToyNetClassifierCV must be a non-empty "
                f"list of positive numbers. Got {self.learning_rates!r} instead."
            )
        if widths.size == 0 or not all(
            isinstance(width, Integral) and not isinstance(width, bool) and width >= 1
            for width in widths
        ):
            raise ValueError(
                "The 'widths' parameter of ToyNetClassifierCV must be a non-empty list of "
                f"integers >= 1. Got {self.widths!r} instead."
            )
        grid = {"learning_rate": [float(r) for r in rates], "width": [int(w) for w in widths]}
        return list(ParameterGrid(grid))

    def _network(self, point):
        """The ToyNetClassifier of one grid point, with this estimator's other parameters."""
        names = ToyNetClassifier._get_param_names()  # read off a signature: slow, once
        params = {name: value for name, value in self.get_params().items() if name in names}
        return ToyNetClassifier(**params, **point)

    @_fit_context(prefer_skip_nested_validation=True)
    def _fit(self, X, y, sample_weight):
        X, y, classes, y_encoded, weights = self._checked_fit_data(X, y, sample_weight)
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y))
        return self._search(X, None, y, classes, y_encoded, weights, folds)

    @_fit_context(prefer_skip_nested_validation=True)
    def _fit_views(self, views, y, folds):
        """Fit where each fold sees the rows through its own preprocessing.

        For a search over a pipeline (``compare``): ``views[k]`` holds all the
        rows as transformed by the pipeline's preprocessing fitted on the
        training rows of ``folds[k]``, and ``views[-1]`` as fitted on all the
        rows (for the refit, whose network is kept). So no fold's network is
        scored on rows its preprocessing saw, as in GridSearchCV. Views of
        fewer features than the widest are padded with zero columns, whose
        weights then never change and are cut from that fold's network.
        """
        if not self.refit or len(views) != len(folds) + 1:
            raise ValueError("_fit_views needs refit=True and one view per fold plus the refit.")
        X, y, classes, y_encoded, weights = self._checked_fit_data(views[-1], y, None)
        return self._search(X, views, y, classes, y_encoded, weights, folds)

    def _search(self, X, views, y, classes, y_encoded, weights, folds):
        """Train and score the grid; ``views`` is None, or each fit's view of the rows."""
        points = self._grid()
        rng = check_random_state(self.random_state)
        # The fits of each grid point: one per fold, and the refit on all rows.
        train_rows = [train for train, _ in folds]
        if self.refit:
            train_rows.append(np.arange(X.shape[0]))
        fit_weights, validation_weights = self._fit_weights(train_rows, y, y_encoded, weights, rng)
        outcomes, fit_time = self._train_grid(
            X if views is None else _stacked(views),
            y_encoded,
            classes,
            points,
            fit_weights,
            validation_weights,
            rng,
        )
        if views is None:
            views = [X] * len(train_rows)
        else:  # each fit's networks cut to the features of its own view
            for (point, fit), (outcome, spec) in outcomes.items():
                n_features = views[fit].shape[1]
                outcome.stacked_weights[0] = outcome.stacked_weights[0][:, :n_features]
                outcomes[point, fit] = (outcome, replace(spec, n_features=n_features))
        self.cv_results_ = self._cv_results(
            views, y, y_encoded, classes, points, folds, outcomes, fit_time
        )
        self.n_splits_ = len(folds)
        self.best_index_ = best_index(self.cv_results_, score="score", loss="neg_log_loss")
        self.best_params_ = dict(self.cv_results_["params"][self.best_index_])
        self.best_score_ = float(self.cv_results_["mean_test_score"][self.best_index_])
        self.learning_rate_ = self.best_params_["learning_rate"]
        self.width_ = self.best_params_["width"]
        # Every trained network, for fold_network() and kept_network(index).
        self._outcomes_ = outcomes

        if self.refit:
            kept_fit = len(folds)
        else:  # the best point's network from the fold where it scored best
            split_scores = [
                self.cv_results_[f"split{k}_test_score"][self.best_index_]
                for k in range(len(folds))
            ]
            kept_fit = int(np.nanargmax(split_scores)) if np.isfinite(split_scores).any() else 0
        outcome, spec = outcomes[self.best_index_, kept_fit]
        network = self._network(self.best_params_)
        network._store_outcome(outcome, spec, classes)
        copy_fit_state(network, self)
        if self.refit:
            if not outcome.converged:
                _diagnostics.warn_not_converged(self.epochs)
            _diagnostics.warn_if_collapsed(
                self._predict_indices(X),
                y_encoded,
                classes,
                learning_rate=self.learning_rate_,
                epochs=self.epochs,
                width=self.width_,
                loss_curve=self.loss_curve_,
                X=X,
            )
        return self

    def _fit_weights(self, train_rows, y, y_encoded, weights, rng):
        """Row weights of each fit, ``(n_rows, n_fits)``, and its validation weights.

        A fit's held-out rows weigh zero. With early stopping, a stratified
        ``validation_fraction`` of each fit's training rows is moved to its
        validation weights, as :class:`ToyNetClassifier` would hold it out.
        """
        n_rows, n_fits = y.shape[0], len(train_rows)
        fit_weights = np.zeros((n_rows, n_fits), dtype=np.float32)
        validation_weights = np.zeros((n_rows, n_fits), dtype=np.float32)
        for index, rows in enumerate(train_rows):
            if self.early_stopping:
                classes = np.unique(y_encoded[rows])
                check_validation_split(y_encoded[rows], classes, self.validation_fraction)
                rows, validation_rows = train_test_split(
                    rows,
                    test_size=self.validation_fraction,
                    random_state=rng,
                    stratify=y_encoded[rows],
                )
                validation_weights[validation_rows, index] = 1.0
            fit_weights[rows, index] = self._training_weights(weights[rows], y[rows])
        return fit_weights, validation_weights

    def _program_batch_size(self, fit_weights):
        """Rows per batch over all the rows, which every fit shares.

        With ``refit``, the refit's networks train on all the rows, so the
        batch is ``batch_size`` ("auto": ``min(200, n_rows)``), as for a
        ToyNetClassifier on that data, and each fold's network finds about
        ``(k - 1) / k`` of it to be its own rows. Without, the batch is
        enlarged by the share of a fold's rows, so that each fold's network
        gets the batch size and the steps per epoch it would get alone.
        """
        n_rows = fit_weights.shape[0]
        batch = AUTO_BATCH_SIZE if self.batch_size == "auto" else self.batch_size
        if self.refit:
            return int(min(batch, n_rows))
        fit_rows = int(np.median(np.count_nonzero(fit_weights, axis=0)))
        batch = min(batch, fit_rows)
        return int(min(n_rows, -(-batch * n_rows // max(fit_rows, 1))))

    def _train_grid(self, X, y_encoded, classes, points, fit_weights, validation_weights, rng):
        """Train every grid point x fit x restart; ``{(point, fit): (outcome, spec)}``, seconds."""
        n_fits = fit_weights.shape[1]
        n_outputs = 1 if classes.size == 2 else classes.size
        # Drawn once for the whole grid, so that how the engine cuts it into
        # program calls changes no network's start.
        sets = [
            NetworkSet(
                point["width"],
                point["learning_rate"],
                initial_stacked_weights(
                    NetworkSpec(
                        X.shape[-1],
                        point["width"],
                        n_outputs,
                        self.hidden_activation,
                        n_fits * self.n_init,
                    ),
                    rng,
                ),
            )
            for point in points
        ]
        validation = (X, y_encoded, validation_weights) if self.early_stopping else None
        training = Training(
            n_init=self.n_init,
            n_outputs=n_outputs,
            hidden_activation=self.hidden_activation,
            optimizer=self.optimizer,
            batch_size=self._program_batch_size(fit_weights),
            epochs=self.epochs,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            alpha=float(self.alpha),
            batch_seed=rng.randint(np.iinfo(np.int32).max),
            restarts=self.restarts,
            report_epoch=self._print_epoch if self.verbose else None,
        )
        return train_network_sets(
            sets, Fits(X, y_encoded, fit_weights, validation), training, estimator=self
        )

    def _cv_results(self, views, y, y_encoded, classes, points, folds, outcomes, fit_time):
        """GridSearchCV's ``cv_results_`` for the metrics ``score`` and ``neg_log_loss``."""
        scorer = check_scoring(self, scoring=self.scoring)
        n_points, n_splits = len(points), len(folds)
        subsets = ("test", "train") if self.return_train_score else ("test",)
        scores = {
            (subset, name): np.full((n_points, n_splits), np.nan)
            for subset in subsets
            for name in ("score", "neg_log_loss")
        }
        score_times = np.zeros((n_points, n_splits))
        for point in range(n_points):
            for split, (train, test) in enumerate(folds):
                started = time.perf_counter()
                network = self._network(points[point])
                outcome, spec = outcomes[point, split]
                try:
                    network._store_outcome(outcome, spec, classes)
                except TrainingDivergedError:
                    continue  # NaN scores, as GridSearchCV's error_score
                X = views[split]
                network.n_features_in_ = X.shape[1]
                for subset in subsets:
                    rows = test if subset == "test" else train
                    # One forward pass for both metrics: scikit-learn's scorers cost
                    # milliseconds each in checks, on every network of the grid.
                    proba = network.predict_proba(X[rows])
                    true = y_encoded[rows]
                    scores[subset, "neg_log_loss"][point, split] = _neg_log_loss(proba, true)
                    if self.scoring == "accuracy":
                        accuracy = np.mean(np.argmax(proba, axis=1) == true)
                        scores[subset, "score"][point, split] = accuracy
                    else:
                        scores[subset, "score"][point, split] = scorer(network, X[rows], y[rows])
                score_times[point, split] = time.perf_counter() - started

        results = {
            "mean_fit_time": np.full(n_points, fit_time / (n_points * n_splits)),
            "std_fit_time": np.zeros(n_points),
            "mean_score_time": score_times.mean(axis=1),
            "std_score_time": score_times.std(axis=1),
        }
        for name in _GRID_PARAMS:
            results[f"param_{name}"] = np.ma.MaskedArray(
                [point[name] for point in points], mask=False, dtype=object
            )
        results["params"] = [dict(point) for point in points]
        for (subset, name), values in scores.items():
            for split in range(n_splits):
                results[f"split{split}_{subset}_{name}"] = values[:, split]
            mean = values.mean(axis=1)
            results[f"mean_{subset}_{name}"] = mean
            results[f"std_{subset}_{name}"] = values.std(axis=1)
            if subset == "test":
                # As GridSearchCV: the best is 1, equal means share a rank, NaN ranks last.
                ranked = np.where(np.isnan(mean), -np.inf, mean)
                results[f"rank_test_{name}"] = rankdata(-ranked, method="min").astype(np.int32)
        return results


def _stacked(views):
    """``(rows, views, features)``: the views side by side, narrower ones padded with zeros."""
    stacked = np.zeros(
        (views[0].shape[0], len(views), max(view.shape[1] for view in views)), dtype=np.float32
    )
    for index, view in enumerate(views):
        stacked[:, index, : view.shape[1]] = view
    return stacked


def _neg_log_loss(proba, true):
    """scikit-learn's ``"neg_log_loss"`` score of ``proba`` for the class indices ``true``.

    As :func:`sklearn.metrics.log_loss`: probabilities clipped to
    ``[eps, 1 - eps]`` and each row renormalized (tested against the scorer).
    """
    eps = np.finfo(proba.dtype).eps
    clipped = np.clip(proba, eps, 1 - eps)
    clipped /= clipped.sum(axis=1, keepdims=True)
    return float(np.mean(np.log(clipped[np.arange(true.size), true])))
