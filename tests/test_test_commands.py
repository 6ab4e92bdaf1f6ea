"""Both ways of running the suite work: ``pytest`` and ``python -m pytest``.

``python -m pytest`` puts the current folder on ``sys.path``; the plain
``pytest`` script does not, so the tests' shared helpers must be importable
without it (``tests`` is a package for that).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from tests._helpers import REPO_ROOT

PYTEST_SCRIPT = Path(sys.executable).with_name("pytest")


@pytest.mark.parametrize(
    "command",
    [[str(PYTEST_SCRIPT)], [sys.executable, "-m", "pytest"]],
    ids=["pytest", "python -m pytest"],
)
def test_the_whole_suite_collects_without_errors(command):
    completed = subprocess.run(
        [*command, "--collect-only", "-q"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "error" not in completed.stdout.lower().splitlines()[-1]
    assert " collected" in completed.stdout.splitlines()[-1]
