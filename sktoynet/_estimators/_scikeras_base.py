"""The one module that talks to scikeras.

scikeras 0.13 (its last release) predates scikit-learn 1.6's tag API and
lists ``ClassifierMixin`` after ``BaseEstimator``, so current scikit-learn
does not see ``KerasClassifier`` as a classifier: ``is_classifier`` is False
and ``GridSearchCV(cv=5)`` silently uses unstratified folds. It also derives
parameter names from the instance ``__dict__`` and routes ``**kwargs``.

:class:`ScikerasClassifierBase` keeps the scikeras lineage (so code that
checks ``isinstance(est, KerasClassifier)`` still works) and restores the
scikit-learn behaviour that its subclasses rely on, including the order of
inheritance: ``ClassifierMixin`` is resolved before scikeras' classes and
``BaseEstimator`` (see :class:`_ClassifierMixinFirst`). Everything else of
sktoynet goes through this class, so scikeras could be replaced here alone.
"""

import sys
import threading
from contextlib import contextmanager

from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.metaestimators import available_if

from sktoynet._engine._keras import import_keras, quiet_framework_import


class _TensorFlowRefused:
    """Meta path finder that refuses ``tensorflow`` to one thread's imports.

    See :func:`_without_tensorflow` for why and when it is installed.
    """

    def __init__(self, thread_id):
        self._thread_id = thread_id

    def find_spec(self, name, path=None, target=None):
        if name == "tensorflow" and threading.get_ident() == self._thread_id:
            raise ModuleNotFoundError("No module named 'tensorflow'", name=name)
        return None  # not ours: the next finder looks for it


@contextmanager
def _without_tensorflow():
    """Make ``import tensorflow`` fail in this thread only, for the duration.

    Why. scikeras 0.13 imports TensorFlow at import time, in
    ``scikeras/utils/random_state.py``, inside ``try: import tensorflow ...
    except ImportError``, only to seed TensorFlow in scikeras' own ``fit``
    (``tensorflow_random_state``). sktoynet never calls it: its estimators
    define their own ``fit``, and a backend other than TensorFlow has its own
    random numbers anyway. On the JAX backend that import alone costs several
    seconds and most of the process' memory. With it refused, scikeras takes
    its own ``except ImportError`` branch (seeding Python and NumPy only), the
    path it takes on any machine without TensorFlow.

    Why it is safe.

    - Only used when TensorFlow is not imported yet once Keras is: on the
      TensorFlow backend Keras has imported it, and a finder is never asked
      for a module already in ``sys.modules``, so nothing changes there.
    - Only this thread is refused: the finder compares the thread's id, so
      another thread that imports TensorFlow meanwhile gets it as usual (a
      process-wide ``sys.modules["tensorflow"] = None`` would fail it). If
      another thread is in the middle of importing TensorFlow, this thread
      waits on that module's import lock and scikeras gets TensorFlow, as
      before this change.
    - Nothing else is loaded meanwhile: the context covers the import of
      scikeras alone, which this module makes once (Python's import lock on
      this module makes a second thread wait for the first).
    - The finder is inserted first in ``sys.meta_path`` and, afterwards,
      ``sys.meta_path`` is rebound to a copy without it rather than edited
      in place: another thread in the middle of a lookup keeps iterating
      over the list it started with and skips no finder.
    - A later ``import tensorflow`` works normally; only scikeras keeps its
      TensorFlow-free seeding, which nothing in sktoynet uses.
    """
    finder = _TensorFlowRefused(threading.get_ident())
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path = [entry for entry in sys.meta_path if entry is not finder]


import_keras()
with quiet_framework_import():  # Keras is imported, but scikeras may import TensorFlow
    if "tensorflow" in sys.modules:  # the TensorFlow backend
        from scikeras.wrappers import KerasClassifier
    else:
        with _without_tensorflow():
            from scikeras.wrappers import KerasClassifier


def _not_supported(estimator):
    return False


def not_offered(method):
    """``method``, hidden: ``hasattr`` is False and calling it raises AttributeError."""
    return available_if(_not_supported)(method)


class _ClassifierMixinFirst(type):
    """Metaclass that resolves ``ClassifierMixin`` before ``KerasClassifier``.

    scikeras declares ``KerasClassifier(BaseWrapper, ClassifierMixin)``, so
    ``BaseEstimator`` precedes ``ClassifierMixin`` in the method resolution
    order and no ordinary subclass can change that (C3 linearisation keeps
    the order of every base's MRO). scikit-learn expects the mixin first, as
    in ``MLPClassifier(ClassifierMixin, BaseMultilayerPerceptron)``, so that
    its ``__sklearn_tags__`` and ``score`` win over ``BaseEstimator``'s.

    Python lets a metaclass compute the MRO (``type.mro``); this one takes
    the usual C3 order and moves ``ClassifierMixin`` just before
    ``KerasClassifier``. Only classes built on this metaclass are affected:
    scikeras itself is left untouched. ``ClassifierMixin`` defines only
    ``__sklearn_tags__`` (which calls ``super()``) and ``score``, so the move
    changes nothing else in scikeras' own ``super()`` chains.
    """

    def mro(cls):
        order = super().mro()
        if ClassifierMixin in order and KerasClassifier in order:
            order.remove(ClassifierMixin)
            order.insert(order.index(KerasClassifier), ClassifierMixin)
        return order


class ScikerasClassifierBase(KerasClassifier, metaclass=_ClassifierMixinFirst):
    """A scikeras ``KerasClassifier`` that follows scikit-learn's conventions.

    Subclasses declare their parameters as keyword arguments of ``__init__``
    and implement ``fit``, ``predict_proba`` and ``predict`` themselves.
    """

    @classmethod
    def _get_param_names(cls):
        # scikeras reads parameter names off the instance; scikit-learn reads
        # them off the signature of __init__, which is what clone() expects.
        return BaseEstimator._get_param_names.__func__(cls)

    def set_params(self, **params):
        return BaseEstimator.set_params(self, **params)

    def __repr__(self, N_CHAR_MAX=700):
        return BaseEstimator.__repr__(self, N_CHAR_MAX=N_CHAR_MAX)

    # score and __sklearn_tags__ come from ClassifierMixin, which the
    # metaclass places before scikeras' classes and BaseEstimator.

    # scikeras' incremental API runs its own Keras fit loop, outside sktoynet's
    # compiled program: never reachable. ToyNetClassifier defines its own
    # partial_fit on that program.
    partial_fit = not_offered(KerasClassifier.partial_fit)
    initialize = not_offered(KerasClassifier.initialize)
