"""A learning_rate x width grid search of make_toynet, run by ToyNetClassifierCV.

``compare`` grid-searches each model with GridSearchCV and reads the fitted
search (``cv_results_``, ``best_index_``, ``best_estimator_``, ...). When the
sktoynet grid is exactly learning rate x width, :class:`ToyNetCVSearch` gives
the same face over one :class:`~sktoynet.ToyNetClassifierCV` fit, which
trains every grid point and fold in one compiled program.
"""

from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV, check_cv
from sklearn.pipeline import Pipeline

from sktoynet._classifier import ToyNetClassifier
from sktoynet._programs import PER_MEMBER_OPTIMIZERS

_GRID_NAMES = ("learning_rate", "width")


class ToyNetCVSearch(GridSearchCV):
    """GridSearchCV over a pipeline ending in ToyNetClassifier, run by ToyNetClassifierCV.

    Takes GridSearchCV's arguments; ``n_jobs`` is ignored (one program
    trains everything, in this process), so the results do not depend on
    it. The fitted attributes are GridSearchCV's, with the parameter names
    prefixed by the network's step, and ``best_estimator_`` is the pipeline
    with its ToyNetClassifier at the best point (the network that
    :class:`~sktoynet.ToyNetClassifierCV` kept).
    ``on_fits_done(n_fits)`` and ``on_search_done()``, when set, are called
    once the grid is cross-validated, as compare's progress bar expects.
    """

    on_fits_done = None
    on_search_done = None

    @staticmethod
    def handles(estimator, param_grid):
        """Whether ``param_grid`` is exactly learning_rate x width of a final ToyNetClassifier."""
        if not isinstance(estimator, Pipeline) or not isinstance(param_grid, dict):
            return False
        step, network = estimator.steps[-1]
        keys = {f"{step}__{name}" for name in _GRID_NAMES}
        return (
            type(network) is ToyNetClassifier
            and set(param_grid) == keys
            and network.optimizer in PER_MEMBER_OPTIMIZERS
        )

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("on_fits_done", None)  # they hold this process's progress bar
        state.pop("on_search_done", None)
        return state

    def fit(self, X, y=None, **params):
        from sktoynet._classifier_cv import ToyNetClassifierCV

        step, network = self.estimator.steps[-1]
        grid = {name: list(self.param_grid[f"{step}__{name}"]) for name in _GRID_NAMES}
        network_params = {
            name: value for name, value in network.get_params().items() if name not in _GRID_NAMES
        }
        cv = check_cv(self.cv, y, classifier=True)
        searcher = ToyNetClassifierCV(
            learning_rates=grid["learning_rate"],
            widths=grid["width"],
            cv=cv,
            scoring=self.scoring,
            return_train_score=self.return_train_score,
            **network_params,
        )
        pipeline = clone(self.estimator)
        pipeline.steps[-1] = (step, searcher)
        pipeline.fit(X, y, **params)
        fitted = pipeline[-1]
        if self.on_fits_done is not None:
            self.on_fits_done(len(fitted.cv_results_["params"]) * fitted.n_splits_)
        if self.on_search_done is not None:
            self.on_search_done()

        results = {}
        for key, value in fitted.cv_results_.items():
            if key.startswith("param_"):
                key = f"param_{step}__{key[len('param_') :]}"
            elif key == "params":
                value = [self._prefixed(step, point) for point in value]
            results[key] = value
        self.cv_results_ = results
        self.best_index_ = fitted.best_index_
        self.best_params_ = self._prefixed(step, fitted.best_params_)
        self.best_score_ = fitted.best_score_
        # As GridSearchCV's: the pipeline with its ToyNetClassifier at the best point.
        self.best_estimator_ = clone(self.estimator)
        self.best_estimator_.steps = pipeline.steps[:-1] + [(step, fitted.kept_network())]
        self.n_splits_ = fitted.n_splits_
        self.scorer_ = check_scoring(pipeline, scoring=self.scoring)
        self.multimetric_ = False
        self.refit_time_ = 0.0  # the refit trains in the same program as the folds
        return self

    @staticmethod
    def _prefixed(step, point):
        return {f"{step}__{name}": value for name, value in point.items()}
