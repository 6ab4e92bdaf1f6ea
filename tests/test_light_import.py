"""What a process loads: nothing heavy at import, and no TensorFlow on JAX (issue 28).

Each check runs in a fresh interpreter: ``sys.modules`` of this test process
already holds whatever other tests imported.
"""

import os
import textwrap

import pytest

from tests._helpers import run_python

HEAVY = ("keras", "tensorflow", "jax", "skrub", "matplotlib", "scikeras")


def loaded_after(code, backend=None):
    """The heavy modules a fresh process holds after running ``code``."""
    env = dict(os.environ)
    if backend is not None:
        env["KERAS_BACKEND"] = backend
    report = f"\nimport sys\nprint(sorted(n for n in {HEAVY!r} if n in sys.modules))\n"
    return run_python(textwrap.dedent(code) + report, env=env).stdout.strip().splitlines()[-1]


def test_importing_sktoynet_and_naming_its_objects_loads_nothing_heavy():
    code = """
    import sktoynet
    sktoynet.set_compilation_cache  # looked up without being called
    sktoynet.compare
    """
    assert loaded_after(code) == "[]"


def test_the_version_is_read_only_when_asked():
    code = """
    import sys
    import sktoynet
    assert "sktoynet._versions" not in sys.modules  # importlib.metadata is not free
    from sktoynet import __version__
    assert __version__ == sktoynet.__version__ == sys.modules["sktoynet._versions"].__version__
    print(__version__.count("."))
    """
    assert run_python(textwrap.dedent(code)).stdout.split() == ["2"]


def test_the_commands_start_loads_nothing_heavy():
    code = """
    import contextlib, io, sys
    from sktoynet.cli import run
    sys.argv = ["sktoynet", "compare", "--help"]
    with contextlib.redirect_stdout(io.StringIO()) as shown:
        try:
            run()
        except SystemExit as stop:
            assert stop.code == 0, stop.code
    assert "--dataset" in shown.getvalue()
    """
    assert loaded_after(code) == "[]"


USE_EVERYTHING = """
import pickle, warnings
import numpy as np
import pandas as pd
from sklearn.datasets import load_iris
from sktoynet import ToyNetClassifierCV, compare, make_toynet, to_keras

warnings.simplefilter("ignore")
X, y = load_iris(return_X_y=True)
model = make_toynet(epochs=20, n_init=2, random_state=0).fit(X, y)
restored = pickle.loads(pickle.dumps(model))
assert (restored.predict(X) == model.predict(X)).all()
to_keras(model).predict(X[:3], verbose=0)
ToyNetClassifierCV(epochs=10, n_init=1, random_state=0).fit(X, y)
table = pd.DataFrame(X, columns=["a", "b", "c", "d"]).assign(e=np.where(y == 0, "x", "y"))
compare(table, y, cv=3, n_jobs=1, random_state=0)  # skrub encodes the text column
"""


def test_on_jax_a_process_that_fits_pickles_exports_and_compares_never_imports_tensorflow():
    pytest.importorskip("jax")
    loaded = loaded_after(USE_EVERYTHING, backend="jax")
    assert "tensorflow" not in loaded, loaded
    assert "jax" in loaded and "skrub" in loaded, loaded  # the work did run on JAX


def test_tensorflow_is_refused_to_the_thread_that_imports_scikeras_only(tmp_path):
    """Another thread imports TensorFlow meanwhile; afterwards anyone can.

    A stand-in ``tensorflow`` package keeps the test fast: the refusal is by
    module name, whatever the package holds.
    """
    pytest.importorskip("jax")
    (tmp_path / "tensorflow").mkdir()
    (tmp_path / "tensorflow" / "__init__.py").write_text("STAND_IN = True\n")
    code = f"""
    import sys, threading
    sys.path.insert(0, {str(tmp_path)!r})
    from sktoynet._estimators._scikeras_base import _without_tensorflow

    seen = {{}}
    def other_thread():
        import tensorflow
        seen["other"] = tensorflow.STAND_IN

    with _without_tensorflow():
        try:
            import tensorflow
            seen["this"] = "imported"
        except ModuleNotFoundError:
            seen["this"] = "refused"
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    del sys.modules["tensorflow"]  # imported by the other thread
    import tensorflow
    print(seen["this"], seen["other"], tensorflow.STAND_IN)
    """
    env = dict(os.environ, KERAS_BACKEND="jax")
    printed = run_python(code, env=env).stdout.split()
    assert printed == ["refused", "True", "True"]
