"""The weight of a fresh process: import time, first fit and resident memory.

Each model is measured in its own new interpreter, as a script or a fresh
notebook kernel meets it: the time to import it, the time of its first fit
on two squares (for sktoynet that includes building and compiling the
training program), the time of a second fit (steady state), and the
resident memory of the process at the end. sktoynet is measured on each
Keras backend that is installed.

Run: python benchmarks/bench_startup.py
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from _common import machine_description, print_table

MEASURE = r"""
import json, time
start = time.perf_counter()
{imports}
imported = time.perf_counter()
from sktoynet.datasets import make_two_squares
X, y = make_two_squares(random_state=0)
import warnings
warnings.simplefilter("ignore")
fit_start = time.perf_counter()
{model}.fit(X, y)
first = time.perf_counter()
{model}.fit(X, y)
second = time.perf_counter()
from _common import rss_mb
rss = rss_mb()
import sys
print(json.dumps({{
    "import_s": imported - start, "first_fit_s": first - fit_start,
    "second_fit_s": second - first, "rss_mb": rss,
    "tensorflow_loaded": "tensorflow" in sys.modules,
}}))
"""

MODELS = {
    "MLPClassifier": (
        "from sklearn.neural_network import MLPClassifier\n"
        "from sklearn.pipeline import make_pipeline\n"
        "from sklearn.preprocessing import StandardScaler\n"
        "model = make_pipeline(StandardScaler(), MLPClassifier(random_state=0))",
        "model",
    ),
    "LogisticRegression": (
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.pipeline import make_pipeline\n"
        "from sklearn.preprocessing import StandardScaler\n"
        "model = make_pipeline(StandardScaler(), LogisticRegression())",
        "model",
    ),
    "sktoynet": ("from sktoynet import make_toynet\nmodel = make_toynet(random_state=0)", "model"),
}


def measure(name, backend=None):
    imports, model = MODELS[name]
    env = dict(os.environ)
    if backend:
        env["KERAS_BACKEND"] = backend
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE.format(imports=imports, model=model)],
        env=env,
        cwd=Path(__file__).resolve().parent,  # for _common, imported after the timings
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main():
    print(f"# Start-up weight of a fresh process ({machine_description()})\n")
    runs = {"MLPClassifier": measure("MLPClassifier")}
    runs["LogisticRegression"] = measure("LogisticRegression")
    backends = ["tensorflow"] + (["jax"] if importlib.util.find_spec("jax") else [])
    for backend in backends:
        runs[f"sktoynet ({backend})"] = measure("sktoynet", backend)
    mlp = runs["MLPClassifier"]

    def start_up(run):
        return run["import_s"] + run["first_fit_s"]

    rows = [
        [
            name,
            f"{run['import_s']:.2f}",
            f"{run['first_fit_s']:.2f}",
            f"{run['second_fit_s']:.3f}",
            f"{run['rss_mb']:.0f}",
            f"{start_up(run) / start_up(mlp):.1f}x",
            f"{run['rss_mb'] / mlp['rss_mb']:.1f}x",
            "yes" if run["tensorflow_loaded"] else "no",
        ]
        for name, run in runs.items()
    ]
    print_table(
        [
            "model",
            "import (s)",
            "first fit (s)",
            "second fit (s)",
            "resident (MB)",
            "import + first fit vs MLP",
            "memory vs MLP",
            "TensorFlow loaded",
        ],
        rows,
    )
    print(
        "\nfirst fit: for sktoynet, builds and compiles the training program (a one-off cost per "
        "process and network shape); second fit: the same fit again, steady state."
    )


if __name__ == "__main__":
    main()
