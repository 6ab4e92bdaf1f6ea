"""Compare sktoynet with LogisticRegression and MLPClassifier, fairly.

Every model sits in a Pipeline behind a StandardScaler, is grid-searched
over its own parameters, and is scored on the same stratified folds, so that
the table says which model wins on the data and not which one was handled
better.
"""

from sktoynet.comparison._checks import check_scoring, check_target
from sktoynet.comparison._compare import compare
from sktoynet.comparison._models import default_models
from sktoynet.comparison._result import ComparisonResult

__all__ = ["ComparisonResult", "compare", "default_models", "check_target", "check_scoring"]
