"""A learning_rate x width grid search of make_toynet, run by ToyNetClassifierCV.

``compare`` grid-searches each model with GridSearchCV and reads the fitted
search (``cv_results_``, ``best_index_``, ``best_estimator_``, ...). When the
sktoynet grid is exactly learning rate x width, :class:`ToyNetCVSearch` gives
the same face over one :class:`~sktoynet.ToyNetClassifierCV` fit, which
trains every grid point and fold in one compiled program.
"""

import time

import numpy as np
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV, check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_is_fitted

from sktoynet._engine._keys import PER_MEMBER_OPTIMIZERS
from sktoynet._engine._training import EPOCHS_PER_CALL
from sktoynet._estimators._classifier import ToyNetClassifier
from sktoynet.comparison._out_of_fold import first_disjoint_splits
from sktoynet.comparison._search_base import SCORE, CompareSearch

_GRID_NAMES = ("learning_rate", "width")


class ToyNetCVSearch(CompareSearch, GridSearchCV):
    """GridSearchCV over a pipeline ending in ToyNetClassifier, run by ToyNetClassifierCV.

    Takes GridSearchCV's arguments; ``n_jobs`` is ignored (one program
    trains everything, in this process), so the results do not depend on
    it. The fitted attributes are GridSearchCV's, with the parameter names
    prefixed by the network's step, and ``best_estimator_`` is the pipeline
    with its ToyNetClassifier at the best point (the network that
    :class:`~sktoynet.ToyNetClassifierCV` kept).

    As GridSearchCV does, the pipeline's preprocessing is fitted on each
    fold's training rows, and on all the rows for the refit; each fold's
    networks read the rows through their own fold's preprocessing.
    The listener of :meth:`~sktoynet.comparison._search_base.CompareSearch.run`
    hears of all the fits at once, when the grid is cross-validated; the
    one program cannot be stopped midway.
    """

    trains_in_one_program = True

    @staticmethod
    def handles(estimator, param_grid):
        """Whether ``param_grid`` is exactly learning_rate x width of a final ToyNetClassifier."""
        if not isinstance(estimator, Pipeline) or not isinstance(param_grid, dict):
            return False
        step, network = estimator.steps[-1]
        keys = {f"{step}__{name}" for name in _GRID_NAMES}
        # The exact class, not is_toynet (which counts subclasses): ToyNetClassifierCV
        # trains plain ToyNetClassifier networks, so a subclass's own fit, loss or
        # layers would be dropped without a word. A subclass goes through GridSearchCV.
        return (
            type(network) is ToyNetClassifier
            and set(param_grid) == keys
            and network.optimizer in PER_MEMBER_OPTIMIZERS
        )

    def fit(self, X, y=None, **params):
        if params:
            raise TypeError(
                f"{type(self).__name__}.fit takes no fit parameters; got {sorted(params)}."
            )
        step, _ = self.estimator.steps[-1]
        pipeline, self._views = self._fitted_pipeline(X, y)
        fitted = pipeline[-1]
        if self._listener is not None:
            self._listener.on_fits_done(len(fitted.cv_results_["params"]) * fitted.n_splits_)
            self._listener.on_search_done()

        results = {}
        for key, value in fitted.cv_results_.items():
            if key.startswith("param_"):
                key = f"param_{step}__{key[len('param_') :]}"
            elif key == "params":
                value = [self._prefixed(step, point) for point in value]
            results[key] = value
        self.cv_results_ = results
        # A refit callable (compare's tie rule) chooses as it would for GridSearchCV.
        self.best_index_ = int(self.refit(results)) if callable(self.refit) else fitted.best_index_
        self.best_params_ = results["params"][self.best_index_]
        self.best_score_ = float(results[f"mean_test_{SCORE}"][self.best_index_])
        # As GridSearchCV's: the pipeline with its ToyNetClassifier at the best point.
        self.best_estimator_ = clone(self.estimator)
        kept = fitted.kept_network(self.best_index_)
        self.best_estimator_.steps = pipeline.steps[:-1] + [(step, kept)]
        self.n_splits_ = fitted.n_splits_
        self.multimetric_ = isinstance(self.scoring, dict)
        if self.multimetric_:
            self.scorer_ = {
                name: check_scoring(pipeline, scoring=metric)
                for name, metric in self.scoring.items()
            }
        else:
            self.scorer_ = check_scoring(pipeline, scoring=self.scoring)
        self.refit_time_ = 0.0  # the refit trains in the same program as the folds
        self._fitted_cv = fitted
        return self

    def warm_up(self, X, y, split):
        """Compile the search's training program; return the seconds compilation took.

        ``split`` is not used: the program trains every fold at once.

        Two identical short fits (``EPOCHS_PER_CALL`` epochs: one call of the
        program per learning rate) train the same networks on the same data:
        the first compiles and trains, the second only trains, so their
        difference is the compilation, and :meth:`fit` then runs at steady
        state.
        """
        _, network = self.estimator.steps[-1]
        seconds = []
        for _ in range(2):
            started = time.perf_counter()
            self._fitted_pipeline(X, y, epochs=min(network.epochs, EPOCHS_PER_CALL))
            seconds.append(time.perf_counter() - started)
        return max(seconds[0] - seconds[1], 0.0)

    def compile_time(self, warm_up_seconds):
        """:meth:`warm_up` measured the compilation itself."""
        return warm_up_seconds

    def out_of_fold_predictions(self, X, y, splits):
        """``(y_true, y_pred)`` of the best point's networks on the rows each did not see.

        The networks are those the search trained on each of
        :func:`~sktoynet.comparison._out_of_fold.first_disjoint_splits` of ``splits``
        (the search's own folds), each reading the rows through the
        preprocessing fitted on its fold, so no network is fitted again.
        """
        check_is_fitted(self)
        chosen = first_disjoint_splits(splits)
        predicted = [
            self._fitted_cv.fold_network(self.best_index_, split).predict(
                _safe_indexing(self._views[split], test)
            )
            for split, (_, test) in enumerate(chosen)
        ]
        tested = np.concatenate([test for _, test in chosen])
        return np.asarray(y)[tested], np.concatenate(predicted)

    def _fitted_pipeline(self, X, y, **network_params):
        """The pipeline fitted with ToyNetClassifierCV as its last step, and the views.

        As GridSearchCV would, the pipeline's preprocessing is fitted on each
        fold's training rows, and on all the rows for the refit: ``views`` are
        all the rows transformed by each (see ``ToyNetClassifierCV._fit_views``).
        """
        from sktoynet._estimators._classifier_cv import SINGLE_NETWORK_PARAMS, ToyNetClassifierCV

        step, network = self.estimator.steps[-1]
        grid = {name: list(self.param_grid[f"{step}__{name}"]) for name in _GRID_NAMES}
        skipped = (*_GRID_NAMES, *SINGLE_NETWORK_PARAMS)  # a search starts afresh
        params = {
            name: value for name, value in network.get_params().items() if name not in skipped
        }
        params.update(network_params)
        scoring = self.scoring[SCORE] if isinstance(self.scoring, dict) else self.scoring
        y = np.asarray(y)
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y))
        searcher = ToyNetClassifierCV(
            learning_rates=grid["learning_rate"],
            widths=grid["width"],
            cv=folds,
            scoring=scoring,
            return_train_score=self.return_train_score,
            **params,
        )
        preprocessing = Pipeline(self.estimator.steps[:-1]) if len(self.estimator) > 1 else None
        if preprocessing is None:
            return Pipeline([(step, searcher.fit(X, y))]), [X] * (len(folds) + 1)
        views = []
        for train, _ in folds:
            fold_preprocessing = clone(preprocessing).fit(_safe_indexing(X, train), y[train])
            views.append(_dense(fold_preprocessing.transform(X)))
        refit_preprocessing = clone(preprocessing).fit(X, y)
        views.append(_dense(refit_preprocessing.transform(X)))
        searcher._fit_views(views, y, folds)
        return Pipeline(refit_preprocessing.steps + [(step, searcher)]), views

    @staticmethod
    def _prefixed(step, point):
        return {f"{step}__{name}": value for name, value in point.items()}


def _dense(transformed):
    """A float32 array of transformed rows (sparse matrices and DataFrames included)."""
    if hasattr(transformed, "toarray"):
        transformed = transformed.toarray()
    return np.asarray(transformed, dtype=np.float32)
