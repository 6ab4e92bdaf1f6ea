"""The scikit-learn estimators: ToyNetClassifier, ToyNetClassifierCV, make_toynet, export.

They validate parameters and data, encode labels, and hand the training to
:mod:`sktoynet._engine`.
"""
