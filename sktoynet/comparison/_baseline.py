"""The majority-class baseline: the score of always predicting the most frequent class.

On a table where 94 % of the rows are one class, three models that each
score 0.940 look tied and good; they may have learned nothing at all.
:func:`compare <sktoynet.compare>` therefore scores scikit-learn's
``DummyClassifier(strategy="prior")`` on the same splits as the models
(it predicts the most frequent class of each training fold, and that
class's share as probabilities), and tests each model against it with the
verdict's own test: the corrected repeated k-fold t-test, one-sided,
Holm-adjusted across the models. The baseline is a yardstick, not a
competitor: it has no row in the table.

When the rarest class is rare and the score is plain accuracy, the verdict
cannot tell much apart: :func:`imbalance_hint` suggests a score that can.
"""

from dataclasses import dataclass, field

import numpy as np

from sktoynet._utils import plain_value
from sktoynet.comparison._checks import MULTICLASS_SCORERS
from sktoynet.comparison._verdict import ALPHA, corrected_ttest, holm

#: Below this share of the rows for the rarest class, accuracy gets a hint.
RARE_CLASS_SHARE = 0.2


@dataclass
class Baseline:
    """What always predicting the most frequent class scores, and who beats it.

    Attributes
    ----------
    label : object
        The most frequent class over all rows (ties: the first in sorted order).
    split_scores : ndarray of shape (n_splits,)
        The baseline's test score on each shared split.
    p_value : dict of str to float
        Per model, the Holm-adjusted one-sided p-value that the model scores
        no higher than the baseline; NaN where it cannot be tested (one split).
    alpha : float
        Significance level of "beats".
    """

    label: object
    split_scores: np.ndarray
    p_value: dict = field(default_factory=dict)
    alpha: float = ALPHA

    @property
    def mean_score(self):
        """The baseline's mean test score over the splits."""
        return float(np.mean(self.split_scores))

    @property
    def beaten_by(self):
        """The models significantly better than the baseline, in table order."""
        return [name for name, p in self.p_value.items() if p < self.alpha]

    @property
    def testable(self):
        """Whether every model could be tested against the baseline (two splits or more)."""
        return bool(self.p_value) and all(np.isfinite(p) for p in self.p_value.values())

    def line(self, scoring):
        """One line for under the table: what the baseline scores and who beats it."""
        score = f"{_score_name(scoring)} {self.mean_score:.3f}"
        head = f"baseline: always predicting {_label(self.label)} scores {score} on the same splits"
        if not self.testable:
            return head
        beaten_by = self.beaten_by
        if not beaten_by:
            return f"{head}; no model is significantly better"
        if len(beaten_by) == len(self.p_value):
            return f"{head}; every model is significantly better"
        return f"{head}; significantly better: {', '.join(beaten_by)}"

    def verdict_prefix(self, scoring):
        """The verdict's first sentence when no model beats the baseline, else ``""``."""
        if not self.testable or self.beaten_by:
            return ""
        return (
            f"No model beats always predicting {_label(self.label)} "
            f"({_score_name(scoring)} {self.mean_score:.3f}). "
        )


def score_baseline(y, splits, scoring):
    """The baseline's label and per-split scores: ``DummyClassifier("prior")`` on ``splits``.

    The features are never looked at, so any table will do. Scored on the
    real splits, a ``scoring`` that fails on them raises here, in
    milliseconds, before any model is fitted.
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import cross_validate

    dummy = DummyClassifier(strategy="prior")
    rows = np.arange(len(y)).reshape(-1, 1)
    scores = cross_validate(dummy, rows, y, cv=splits, scoring=scoring, error_score="raise")
    label = dummy.fit(rows, y).classes_[np.argmax(dummy.class_prior_)]
    return label, np.asarray(scores["test_score"], dtype=float)


def judge_baseline(label, baseline_scores, split_scores, test_train_ratio, alpha=ALPHA):
    """A :class:`Baseline`, each model of ``split_scores`` tested against it.

    ``split_scores``: per model, its per-split test scores on the same splits
    as ``baseline_scores``.
    """
    names = list(split_scores)
    raw = [
        corrected_ttest(np.asarray(split_scores[name]) - baseline_scores, test_train_ratio)[1]
        for name in names
    ]
    adjusted = holm(raw)
    return Baseline(
        label=label,
        split_scores=np.asarray(baseline_scores, dtype=float),
        p_value={name: float(p) for name, p in zip(names, adjusted, strict=True)},
        alpha=alpha,
    )


def imbalance_hint(y, scoring):
    """A flag suggesting a score that sees the rare classes, or None.

    Only for plain accuracy, and only when the rarest class has less than
    :data:`RARE_CLASS_SHARE` of the rows.
    """
    if scoring != "accuracy":
        return None
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    share = counts.min() / counts.sum()
    if share >= RARE_CLASS_SHARE:
        return None
    rarest = labels[np.argmin(counts)]
    auc = "roc_auc" if labels.size == 2 else MULTICLASS_SCORERS["roc_auc"]
    return (
        f"the rarest class, {_label(rarest)}, has {share:.1%} of the rows: accuracy "
        "mostly rewards predicting the frequent classes; compare with scoring="
        f"'balanced_accuracy' or '{auc}' too (sktoynet compare --scoring balanced_accuracy)"
    )


def _label(value):
    return repr(plain_value(value))


def _score_name(scoring):
    return scoring if isinstance(scoring, str) else "score"
