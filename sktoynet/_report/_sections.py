"""What the report is made of: problems, and what the comparison found on each.

The command builds a :class:`Problem` for each data set it loads;
``ComparisonResult.save_report`` and the notebook display build one for the
data they were given. A :class:`Section` pairs it with the result.
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Problem:
    """A classification problem: data, labels and how to describe them.

    ``X`` is an array for the built-in problems and a DataFrame (which may
    hold strings, dates and missing values) for a CSV file. ``warnings`` are
    one-line messages about the data, for the start of the run.
    """

    name: str
    title: str
    X: np.ndarray
    y: np.ndarray
    feature_names: list
    description: str = ""
    warnings: list = field(default_factory=list)


@dataclass
class Section:
    """One problem of the report and what the comparison found on it."""

    problem: Problem
    result: object  # sktoynet.comparison.ComparisonResult
    figures: list = field(default_factory=list)  # (file name, caption)
    notes: list = field(default_factory=list)
    drawn: bool = False  # its figures are written (see write_figures)
