"""Small answers that several layers need, each given in one place.

Nothing here imports Keras, scikit-learn's estimators or another layer of
the package; every function is cheap and safe from any thread.
"""

import sys

import numpy as np

#: Where sktoynet's estimators are defined, and their class names.
_ESTIMATOR_CLASSES = (
    ("sktoynet._estimators._classifier", "ToyNetClassifier"),
    ("sktoynet._estimators._classifier_cv", "ToyNetClassifierCV"),
)


def plain_value(value):
    """A NumPy scalar as the Python value it holds (``'a'``, not ``np.str_('a')``)."""
    return value.item() if isinstance(value, np.generic) else value


def short_name(key):
    """A parameter name without its pipeline-step prefix: ``"width"`` for ``"net__width"``."""
    return key.rsplit("__", 1)[-1]


def short_params(params):
    """``"C=1, width=8"``: parameters without their pipeline-step prefix."""
    return ", ".join(f"{short_name(key)}={value!r}" for key, value in params.items())


def format_p(value, *, in_words=False):
    """A p-value for people: ``"0.012"`` or ``"<0.001"`` in a table, ``"-"`` when missing.

    ``in_words=True`` gives the form a sentence uses, ``"p = 0.012"`` or
    ``"p < 0.001"``.
    """
    if not np.isfinite(value):
        return "-"
    if in_words:
        return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def final_step(estimator):
    """The last step of a pipeline, or ``estimator`` itself."""
    return estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator


def _loaded_classes(names):
    """The classes named ``names`` among sktoynet's estimators, if their modules are loaded.

    An estimator of a class whose module was never imported cannot exist, so
    the answer needs no import (and no Keras).
    """
    classes = []
    for module_name, class_name in _ESTIMATOR_CLASSES:
        module = sys.modules.get(module_name)
        found = getattr(module, class_name, None)
        if class_name in names and found is not None:
            classes.append(found)
    return tuple(classes)


def is_toynet(estimator):
    """Whether ``estimator``, or its pipeline's last step, is a :class:`~sktoynet.ToyNetClassifier`.

    Subclasses count. :class:`~sktoynet.ToyNetClassifierCV` does not: it
    searches its own grid (see :func:`compiles`).
    """
    return isinstance(final_step(estimator), _loaded_classes({"ToyNetClassifier"}))


def compiles(estimator):
    """Whether ``estimator``, or its last step, is one of sktoynet's estimators.

    Those compile a training program on their first fit for a data shape:
    :class:`~sktoynet.ToyNetClassifier`, :class:`~sktoynet.ToyNetClassifierCV`
    and their subclasses.
    """
    names = {name for _, name in _ESTIMATOR_CLASSES}
    return isinstance(final_step(estimator), _loaded_classes(names))
