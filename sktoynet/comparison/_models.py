"""The models and grids compared by default, and what a run of them costs."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import ParameterGrid
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktoynet._estimators._pipeline import make_toynet


def default_models(random_state=None, *, quick=False):
    """The three models that :func:`compare` grid-searches by default.

    Each is a Pipeline with a StandardScaler in front, paired with its grid:

    - ``"sktoynet"``: :func:`~sktoynet.make_toynet`, over ``learning_rate``
      x ``width``;
    - ``"LogisticRegression"``: over ``C``;
    - ``"MLPClassifier"``: over ``learning_rate_init`` x
      ``hidden_layer_sizes``.

    The two networks get the same grid and the same budget of epochs:
    ``epochs=500`` and ``max_iter=500`` (100 each with ``quick``).

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Seed of the networks' initialisations.
    quick : bool, default=False
        Smaller grids and shorter training, for a first look in seconds.

    Returns
    -------
    models : dict
        ``{name: (estimator, param_grid)}``, the form :func:`compare` takes.

    See Also
    --------
    compare : Grid-search the models on the same folds and tabulate them.

    Examples
    --------
    >>> from sktoynet.comparison._compare import default_models
    >>> models = default_models(random_state=0)
    >>> list(models)
    ['sktoynet', 'LogisticRegression', 'MLPClassifier']
    >>> sorted(models["sktoynet"][1])
    ['toynetclassifier__learning_rate', 'toynetclassifier__width']
    """
    return {"sktoynet": _toynet_model(random_state, quick), **_peer_models(random_state, quick)}


@dataclass(frozen=True)
class DeferredModel:
    """A model of :func:`compare` whose estimator is built when its search starts.

    Building sktoynet's model imports TensorFlow, which takes seconds in a
    fresh process. Deferred, that import runs in this process while the
    other models' fits already run in the worker processes (see
    :func:`~sktoynet.comparison._run.search_all`). A deferred model is
    always searched in this process, as a model that compiles is.

    Parameters
    ----------
    build : callable
        Returns ``(estimator, param_grid)``.
    n_candidates : int
        The grid's size, known beforehand for the progress bar.
    """

    build: Callable[[], tuple]
    n_candidates: int

    def then(self, step):
        """The deferred model ``step(estimator, param_grid)`` makes of this one's."""
        return DeferredModel(lambda: step(*self.build()), self.n_candidates)


def command_models(random_state=None, *, quick=False):
    """:func:`default_models` for the ``sktoynet`` command: sktoynet's is a :class:`DeferredModel`.

    A library call of :func:`compare` gets its models built (and TensorFlow
    imported) by the caller; the command builds sktoynet's only once the
    other models' searches have started, and saves the import's seconds.
    """
    toynet = DeferredModel(
        partial(_toynet_model, random_state, quick), len(ParameterGrid(_toynet_grid(quick)))
    )
    return {"sktoynet": toynet, **_peer_models(random_state, quick)}


#: Seconds per row of the default models' whole run (5 folds, the refit included), with or
#: without ``quick``: 2.5 ms (17.8 s for 5,000 rows, 54.9 s for 20,000) and 50 ms (250 s for
#: 5,000 rows), measured with ``sktoynet compare --data`` on a shared 2-core machine, on
#: 10 numeric columns and 2 classes.
SECONDS_PER_ROW = {True: 0.0025, False: 0.05}


def rough_duration(n_rows, *, quick=False, n_splits=5, n_repeats=1):
    """Seconds the default models may take on ``n_rows`` rows: an order of magnitude.

    The training of the networks grows with the rows, and with the fits: one
    per fold and repeat, and the refit. Columns, classes and the machine
    change it by a factor of a few either way.
    """
    fits = n_splits * n_repeats + 1
    return n_rows * SECONDS_PER_ROW[bool(quick)] * fits / 6


def _epochs(quick):
    return 100 if quick else 500


def _toynet_grid(quick):
    if quick:
        return {
            "toynetclassifier__learning_rate": [0.01, 0.1],
            "toynetclassifier__width": [2, 8],
        }
    return {
        "toynetclassifier__learning_rate": [0.001, 0.01, 0.1],
        "toynetclassifier__width": [2, 4, 8],
    }


def _toynet_model(random_state, quick):
    n_init = {"n_init": 4} if quick else {}
    toynet = make_toynet(epochs=_epochs(quick), random_state=random_state, **n_init)
    return toynet, _toynet_grid(quick)


def _peer_models(random_state, quick):
    if quick:
        c_grid = [0.1, 1.0, 10.0]
        mlp_grid = {
            "mlpclassifier__learning_rate_init": [0.01],
            "mlpclassifier__hidden_layer_sizes": [(2,), (8,)],
        }
    else:
        c_grid = [0.01, 0.1, 1.0, 10.0, 100.0]
        # The two networks get the same grid: learning rates x hidden units.
        mlp_grid = {
            "mlpclassifier__learning_rate_init": [0.001, 0.01, 0.1],
            "mlpclassifier__hidden_layer_sizes": [(2,), (4,), (8,)],
        }
    return {
        "LogisticRegression": (
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
            {"logisticregression__C": c_grid},
        ),
        "MLPClassifier": (
            make_pipeline(
                StandardScaler(),
                MLPClassifier(max_iter=_epochs(quick), random_state=random_state),
            ),
            mlp_grid,
        ),
    }
