"""The opt-in cache of compiled programs on disk (issue 28).

Each fit runs in a fresh process on the JAX backend, since a cache across
processes is what is tested; a JAX monitoring listener counts the programs
loaded from the cache instead of compiled.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from sktoynet._engine import _compilation_cache
from tests._helpers import REPO_ROOT, run_python

pytest.importorskip("jax")

#: Fits the same network on iris, prints its probabilities and how many
#: compilations the cache answered; ``{setup}`` chooses the cache.
FIT = """
import json, pickle, sys, warnings
warnings.simplefilter("ignore")
import jax.monitoring
hits = []
jax.monitoring.register_event_listener(
    lambda event, **kwargs: hits.append(1) if event == "/jax/compilation_cache/cache_hits" else None
)
import sktoynet
{setup}
from sklearn.datasets import load_iris
X, y = load_iris(return_X_y=True)
model = sktoynet.ToyNetClassifier(epochs=20, n_init=2, random_state=0).fit(X, y)
{after}
print(json.dumps({{"proba": model.predict_proba(X).round(6).tolist(), "hits": len(hits)}}))
"""


def environment(cache=None):
    env = {key: value for key, value in os.environ.items() if not key.startswith("JAX_")}
    env["KERAS_BACKEND"] = "jax"
    env.pop(_compilation_cache.ENVIRONMENT_VARIABLE, None)
    if cache is not None:
        env[_compilation_cache.ENVIRONMENT_VARIABLE] = str(cache)
    return env


def script(setup="", after=""):
    return textwrap.dedent(FIT).format(setup=setup, after=after)


def fit_in_new_process(cache=None, setup="", after=""):
    completed = run_python(script(setup, after), env=environment(cache))
    return json.loads(completed.stdout.strip().splitlines()[-1]), completed.stderr


def entries(folder):
    return sorted(path for path in folder.rglob("*") if path.is_file() and path.stat().st_size)


def test_off_by_default_and_on_where_the_user_says(tmp_path):
    unset = "import jax; assert jax.config.jax_compilation_cache_dir is None"
    cold, _ = fit_in_new_process(after=unset)
    folder = tmp_path / "cache"
    first, _ = fit_in_new_process(cache=folder)
    assert entries(folder), "nothing was written"
    assert first["hits"] == 0
    warm, _ = fit_in_new_process(cache=folder)
    assert warm["hits"] > 0  # the later process loaded its programs
    assert warm["proba"] == first["proba"] == cold["proba"]


def test_the_function_overrides_the_environment(tmp_path):
    chosen, ignored = tmp_path / "chosen", tmp_path / "ignored"
    setup = f"sktoynet.set_compilation_cache({str(chosen)!r})"
    fit_in_new_process(cache=ignored, setup=setup)
    assert entries(chosen)
    assert not ignored.exists() or not entries(ignored)


def test_a_truncated_entry_is_ignored_and_the_result_is_the_same(tmp_path):
    folder = tmp_path / "cache"
    first, _ = fit_in_new_process(cache=folder)
    for entry in entries(folder):
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    again, _ = fit_in_new_process(cache=folder)
    assert again["proba"] == first["proba"]
    assert again["hits"] == 0  # nothing was loaded from the damaged entries


def test_two_processes_filling_one_cache_at_once(tmp_path):
    folder = tmp_path / "cache"
    both = [
        subprocess.Popen(
            [sys.executable, "-c", script()],
            cwd=REPO_ROOT,
            env=environment(folder),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=600) for process in both]
    assert [process.returncode for process in both] == [0, 0], [err[-2000:] for _, err in outputs]
    probas = [out.strip().splitlines()[-1] for out, _ in outputs]
    third, _ = fit_in_new_process(cache=folder)
    assert json.loads(probas[0])["proba"] == json.loads(probas[1])["proba"] == third["proba"]
    assert third["hits"] > 0


def test_a_pickled_estimator_does_not_need_the_cache(tmp_path):
    folder, saved = tmp_path / "cache", tmp_path / "model.pkl"
    after = f"open({str(saved)!r}, 'wb').write(pickle.dumps(model))"
    fitted, _ = fit_in_new_process(cache=folder, after=after)
    for entry in entries(folder):
        entry.unlink()
    code = f"""
    import json, pickle
    from sklearn.datasets import load_iris
    X, _ = load_iris(return_X_y=True)
    model = pickle.loads(open({str(saved)!r}, "rb").read())
    print(json.dumps(model.predict_proba(X).round(6).tolist()))
    """
    printed = run_python(textwrap.dedent(code), env=environment()).stdout.strip().splitlines()[-1]
    assert json.loads(printed) == fitted["proba"]


@pytest.mark.parametrize(
    "path, error, message",
    [(3, TypeError, "folder path"), ("", TypeError, "folder path")],
)
def test_a_bad_path_is_refused_in_one_line(path, error, message):
    with pytest.raises(error, match=message):
        _compilation_cache.set_compilation_cache(path)


def test_a_file_is_not_a_cache_folder(tmp_path):
    file = tmp_path / "a-file"
    file.write_text("mine")
    with pytest.raises(ValueError, match="cannot be used"):
        _compilation_cache.set_compilation_cache(file)
    assert file.read_text() == "mine"


def test_on_tensorflow_setting_the_cache_warns_that_it_does_nothing(tmp_path):
    code = f"""
    import warnings
    warnings.simplefilter("error")
    import sktoynet
    from sktoynet._engine._keras import import_keras
    import_keras()
    try:
        sktoynet.set_compilation_cache({str(tmp_path)!r})
    except UserWarning as warning:
        print("warned:", warning)
    """
    env = dict(environment(), KERAS_BACKEND="tensorflow")
    printed = run_python(textwrap.dedent(code), env=env).stdout
    assert "warned:" in printed and "JAX backend only" in printed


def test_setting_it_from_threads_at_once_leaves_one_of_the_choices(tmp_path):
    """The lock makes each call whole: the choice and JAX's folder never disagree."""
    code = f"""
    import threading
    import sktoynet
    from sktoynet._engine import _compilation_cache
    from sktoynet._engine._keras import import_keras
    import jax
    import_keras()
    folders = [{str(tmp_path)!r} + f"/{{i}}" for i in range(8)]
    threads = [threading.Thread(target=sktoynet.set_compilation_cache, args=(f,)) for f in folders]
    for t in threads: t.start()
    for t in threads: t.join()
    chosen = _compilation_cache._chosen
    print(chosen == jax.config.jax_compilation_cache_dir, chosen in folders)
    """
    assert run_python(textwrap.dedent(code), env=environment()).stdout.split() == ["True", "True"]
