"""make_toynet: the network behind a StandardScaler, in one Pipeline."""

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
    from sktoynet._classifier import ToyNetClassifier

    return make_pipeline(StandardScaler(), ToyNetClassifier(**params))
