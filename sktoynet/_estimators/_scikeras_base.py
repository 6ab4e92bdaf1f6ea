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

from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.metaestimators import available_if

from sktoynet._engine._keras import quiet_framework_import

with quiet_framework_import():  # scikeras imports Keras (and TensorFlow) at import time
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
