"""TensorFlow's start-up noise stays out of the user's terminal, at the level they chose.

Run in fresh processes: what TensorFlow prints depends on
``TF_CPP_MIN_LOG_LEVEL`` when it is first imported.
"""

import os

import pytest

from tests._helpers import run_python

FIT_ONCE = """
import warnings
warnings.simplefilter("ignore")
from sktoynet import ToyNetClassifier
ToyNetClassifier(epochs=3, n_init=1, random_state=0).fit([[0.0], [1.0]], [0, 1])
"""

#: What TensorFlow and XLA write to stderr at start-up on a machine without a GPU.
NOISE = ("I0000", "E0000", "W0000", "cuda", "oneDNN", "absl")


def stderr_of_a_fit(level):
    env = {key: value for key, value in os.environ.items() if not key.startswith("SKTOYNET_")}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    if level is not None:
        env["TF_CPP_MIN_LOG_LEVEL"] = level
    env["KERAS_BACKEND"] = "tensorflow"
    return run_python(FIT_ONCE, env=env).stderr


@pytest.mark.parametrize("level", [None, "1", "3"], ids=["not set", "1", "3"])
def test_start_up_is_quiet_unless_the_user_asks_for_everything(level):
    stderr = stderr_of_a_fit(level)
    assert not [word for word in NOISE if word in stderr], stderr


def test_level_zero_shows_tensorflows_own_messages():
    stderr = stderr_of_a_fit("0")
    assert [word for word in NOISE if word in stderr], stderr


WATCHED_IMPORT = """
import sys, threading, warnings

class ProbeWarning(UserWarning):
    pass

class WarnOnKeras:  # a warning raised during the import, as any library may raise one
    def find_spec(self, name, path=None, target=None):
        if name == "keras":
            warnings.warn("raised while keras is imported", UserWarning)
        return None

warnings.filterwarnings("error", category=ProbeWarning)  # the user's own filter
sys.meta_path.insert(0, WarnOnKeras())
outcomes = []
done = threading.Event()

def probe():  # another thread, warning all through the import
    while not done.is_set():
        try:
            warnings.warn("probe", ProbeWarning)
            outcomes.append("not raised")
        except ProbeWarning:
            outcomes.append("raised")
        done.wait(0.002)

prober = threading.Thread(target=probe, daemon=True)
prober.start()
try:
    import sktoynet._estimators._classifier
finally:
    done.set()
    prober.join()
print(len(outcomes), sorted(set(outcomes)))
"""


def test_the_quiet_import_changes_no_warnings_filter_and_shows_python_warnings():
    # The filters are global: while TensorFlow is imported, another thread's
    # warnings (and the filters that joblib hands to worker processes) must
    # follow the user's filters, and Python warnings still reach stderr.
    env = {key: value for key, value in os.environ.items() if not key.startswith("SKTOYNET_")}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    env["KERAS_BACKEND"] = "tensorflow"
    completed = run_python(WATCHED_IMPORT, env=env)
    count, outcomes = completed.stdout.strip().split(" ", 1)
    assert int(count) > 10  # the import took a while, and the probe ran through it
    assert outcomes == "['raised']", completed.stdout
    assert "raised while keras is imported" in completed.stderr
    assert not [word for word in NOISE if word in completed.stderr], completed.stderr


LOG_AFTER_THE_IMPORT = """
import logging, sys
stderr = sys.stderr
import sktoynet._estimators._classifier
import absl.logging
assert sys.stderr is stderr
# Handlers made during the import (absl's, which TensorFlow's logger reaches)
# hold the stream that sys.stderr was then: it must still write afterwards.
logging.getLogger("tensorflow").error("logged after the import")
absl.logging.error("absl logged after the import")
"""


def test_logs_after_the_quiet_import_reach_stderr():
    env = {key: value for key, value in os.environ.items() if not key.startswith("SKTOYNET_")}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    env["KERAS_BACKEND"] = "tensorflow"
    stderr = run_python(LOG_AFTER_THE_IMPORT, env=env).stderr
    assert "Logging error" not in stderr and "closed file" not in stderr, stderr
    assert "logged after the import" in stderr and "absl logged after the import" in stderr
