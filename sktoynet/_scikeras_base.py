"""The one module that talks to scikeras.

scikeras 0.13 (its last release) predates scikit-learn 1.6's tag API and
lists ``ClassifierMixin`` after ``BaseEstimator``, so current scikit-learn
does not see ``KerasClassifier`` as a classifier: ``is_classifier`` is False
and ``GridSearchCV(cv=5)`` silently uses unstratified folds. It also derives
parameter names from the instance ``__dict__`` and routes ``**kwargs``.

:class:`ScikerasClassifierBase` keeps the scikeras lineage (so code that
checks ``isinstance(est, KerasClassifier)`` still works) and restores the
scikit-learn behaviour that its subclasses rely on. Everything else of
sktoynet goes through this class, so scikeras could be replaced here alone.
"""

from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._tags import ClassifierTags
from sklearn.utils.metaestimators import available_if

from sktoynet._keras import import_keras

import_keras()  # scikeras imports Keras at import time: keep it quiet

from scikeras.wrappers import KerasClassifier  # noqa: E402


def _not_supported(estimator):
    return False


class ScikerasClassifierBase(KerasClassifier):
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

    def score(self, X, y, sample_weight=None):
        return ClassifierMixin.score(self, X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        # BaseEstimator precedes ClassifierMixin in scikeras' MRO, so
        # ClassifierMixin.__sklearn_tags__ never runs: set its tags here.
        tags = BaseEstimator.__sklearn_tags__(self)
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        return tags

    # scikeras' incremental API runs its own Keras fit loop; not offered here.
    partial_fit = available_if(_not_supported)(KerasClassifier.partial_fit)
    initialize = available_if(_not_supported)(KerasClassifier.initialize)
