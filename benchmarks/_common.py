"""Helpers shared by the benchmark scripts: timing, tables, quiet fits."""

import platform
import resource
import statistics
import time
import warnings

from sklearn.exceptions import ConvergenceWarning


def machine_description():
    """One line naming the machine, Python and the Keras backend."""
    import os

    import sklearn

    from sktoynet._engine._keras import import_keras

    keras = import_keras()

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
        f"Keras {keras.__version__} on {keras.backend.backend()}"
    )


def rss_mb():
    """Resident memory of this process, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def quiet(function, *args, **kwargs):
    """Call ``function`` with ConvergenceWarnings silenced (they are expected here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


def median_time(function, repeats):
    """Median wall time of ``repeats`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def interleaved_median_times(functions, rounds):
    """Median wall time of each function, calling them in turn for ``rounds`` rounds.

    Taking turns spreads any drift in the machine's load over all of them,
    so their ratio is fairer than that of medians taken one after the other.
    """
    times = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def print_table(headers, rows):
    """Print a Markdown table with aligned columns."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print("\n".join(lines))
    print()
