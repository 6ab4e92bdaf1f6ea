"""make_toynet and make_toynet_cv: the network behind a StandardScaler, in one Pipeline."""

from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def make_toynet(**params):
    """Build ``make_pipeline(StandardScaler(), ToyNetClassifier(**params))``.

    Scaling is learned inside the pipeline, so in cross-validation it is
    fitted on each training fold only. Grid-search keys read
    ``toynetclassifier__learning_rate``, ``toynetclassifier__width``, ...

    Parameters
    ----------
    **params : dict
        Parameters of :class:`ToyNetClassifier` (``learning_rate``,
        ``width``, ``random_state``, ...).

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        A two-step pipeline: ``standardscaler`` and ``toynetclassifier``.

    See Also
    --------
    ToyNetClassifier : The network itself, without scaling.

    Examples
    --------
    >>> from sktoynet import make_toynet
    >>> from sktoynet.datasets import make_three_bands
    >>> X, y = make_three_bands()
    >>> model = make_toynet(random_state=0).fit(X, y)
    >>> model.score(X, y)
    1.0
    >>> list(model.named_steps)
    ['standardscaler', 'toynetclassifier']
    """
    from sktoynet._estimators._classifier import ToyNetClassifier

    return make_pipeline(StandardScaler(), ToyNetClassifier(**params))


def make_toynet_cv(**params):
    """Build ``make_pipeline(StandardScaler(), ToyNetClassifierCV(**params))``.

    The learning rate and the width are chosen by cross-validation inside
    :class:`ToyNetClassifierCV`, all grid points and folds trained together.
    The scaler is fitted on all the rows the pipeline is fitted on.

    Parameters
    ----------
    **params : dict
        Parameters of :class:`ToyNetClassifierCV` (``learning_rates``,
        ``widths``, ``cv``, ``random_state``, ...).

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        A two-step pipeline: ``standardscaler`` and ``toynetclassifiercv``.

    See Also
    --------
    make_toynet : The same with a fixed learning rate and width.

    Examples
    --------
    >>> from sktoynet import make_toynet_cv
    >>> from sktoynet.datasets import make_three_bands
    >>> X, y = make_three_bands()
    >>> model = make_toynet_cv(widths=[4, 8], cv=3, random_state=0).fit(X, y)
    >>> model.score(X, y) > 0.95
    True
    >>> list(model.named_steps)
    ['standardscaler', 'toynetclassifiercv']
    """
    from sktoynet._estimators._classifier_cv import ToyNetClassifierCV

    return make_pipeline(StandardScaler(), ToyNetClassifierCV(**params))
