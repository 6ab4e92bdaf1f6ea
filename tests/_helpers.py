"""Helpers shared by the compatibility, persistence and reproducibility tests."""

import contextlib
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import joblib
import pytest
from sklearn.exceptions import ConvergenceWarning

from sktoynet.exceptions import UnscaledInputWarning

REPO_ROOT = Path(__file__).resolve().parents[1]

#: Settings that keep a fit to a few hundredths of a second in tests.
#: Where the command gets its models: tests patch it to compare fewer, faster ones.
COMMAND_MODELS = "sktoynet.comparison._models.command_models"

FAST_PARAMS = {"epochs": 30, "n_init": 2, "random_state": 0}


def quiet_fit(estimator, X, y, **fit_params):
    """Fit, hiding the convergence and scaling warnings of short test fits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UnscaledInputWarning)
        return estimator.fit(X, y, **fit_params)


def run_python(code, cwd=REPO_ROOT, env=None):
    """Run ``code`` in a new Python interpreter (this one's), failing loudly on error.

    ``env`` replaces the environment (default: this process's). Returns the
    completed process, with its stdout and stderr as text.
    """
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed


def run_in_fresh_process(code, cwd=REPO_ROOT):
    """Run ``code`` in a new Python interpreter and return what it printed."""
    return run_python(code, cwd).stdout


@contextlib.contextmanager
def local_dask_backend():
    """joblib's "dask" backend on a local cluster of 2 single-threaded worker processes."""
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_backend("dask"),
    ):
        yield
