"""The JAX backend: a smoke test in a fresh process (KERAS_BACKEND is read at import)."""

import json
import os

import numpy as np

from sktoynet import make_toynet
from sktoynet._engine._keras import backend_name
from sktoynet.datasets import make_three_bands, make_two_squares
from tests._helpers import run_python

OTHER_BACKEND = "jax" if backend_name() != "jax" else "tensorflow"

FIT_BOTH_PROBLEMS = """
    import json
    from sktoynet import make_toynet
    from sktoynet._engine._keras import backend_name
    from sktoynet.datasets import make_three_bands, make_two_squares

    result = {"backend": backend_name()}
    for name, (X, y) in {"squares": make_two_squares(random_state=0),
                         "bands": make_three_bands()}.items():
        model = make_toynet(random_state=0).fit(X, y)
        result[name] = {"score": model.score(X, y),
                        "proba": model.predict_proba(X[:20]).tolist()}
    print(json.dumps(result))
"""


def test_the_other_backend_fits_both_toy_problems_like_this_one():
    completed = run_python(FIT_BOTH_PROBLEMS, env={**os.environ, "KERAS_BACKEND": OTHER_BACKEND})
    assert "I0000" not in completed.stderr  # quiet on that backend too
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["backend"] == OTHER_BACKEND
    for name, (X, y) in {
        "squares": make_two_squares(random_state=0),
        "bands": make_three_bands(),
    }.items():
        assert result[name]["score"] >= 0.99
        # Same seed, same NumPy initialisation and batch order: the backends agree.
        here = make_toynet(random_state=0).fit(X, y).predict_proba(X[:20])
        np.testing.assert_allclose(result[name]["proba"], here, atol=0.02)
