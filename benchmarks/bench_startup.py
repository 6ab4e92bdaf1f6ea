"""The weight of a fresh process: import time, first fit and memory.

Each measurement runs in its own new interpreter, as a script or a fresh
notebook kernel meets it: the time to import the model, the time of its
first fit on iris (for sktoynet that includes building and compiling the
training program), the time of a second fit (steady state), and the peak
resident memory of the process. The rounds take turns over all the
processes, so that the machine's load falls on each alike; the table gives
the median of the rounds and their range.

sktoynet is measured on each Keras backend that is installed, and:

- on JAX, "TensorFlow imported too" imports TensorFlow first, as sktoynet
  did on JAX before (scikeras imported it): the reference for
  the JAX targets (import + first fit at most 0.7x, peak memory at most
  600 MB);
- with a compilation cache, a cold one (an empty folder) and a warm one
  (the folder the cold process filled), each in a fresh process: JAX's
  through ``SKTOYNET_COMPILATION_CACHE``, TensorFlow's XLA cache through
  ``TF_XLA_FLAGS`` (sktoynet does not turn it on: a truncated entry fails
  the fit, see the docs' Scope and limits page).

With ``--importtime``, it prints instead what ``import sktoynet`` and the
command's start (``sktoynet compare --help``) spend their import time on,
from ``python -X importtime``.

Run: python benchmarks/bench_startup.py [--rounds N] [--importtime]
"""

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import machine_description, print_table

MEASURE = r"""
import json, sys, time
start = time.perf_counter()
{imports}
imported = time.perf_counter()
from sklearn.datasets import load_iris
X, y = load_iris(return_X_y=True)
import warnings
warnings.simplefilter("ignore")
fit_start = time.perf_counter()
model.fit(X, y)
first = time.perf_counter()
model.fit(X, y)
second = time.perf_counter()
def peak_mb():
    # VmHWM starts afresh with the new program; getrusage's ru_maxrss would
    # carry over this benchmark's own peak across fork and exec.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024
print(json.dumps({{
    "import_s": imported - start, "first_fit_s": first - fit_start,
    "second_fit_s": second - first,
    "peak_mb": peak_mb(),
    "tensorflow_loaded": "tensorflow" in sys.modules,
}}))
"""

SKLEARN = (
    "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n"
)
TOYNET = "from sktoynet import make_toynet\nmodel = make_toynet(random_state=0)"

MODELS = {
    "MLPClassifier": SKLEARN + "from sklearn.neural_network import MLPClassifier\n"
    "model = make_pipeline(StandardScaler(), MLPClassifier(random_state=0))",
    "LogisticRegression": SKLEARN + "from sklearn.linear_model import LogisticRegression\n"
    "model = make_pipeline(StandardScaler(), LogisticRegression())",
    "sktoynet": TOYNET,
    # As before: scikeras imported TensorFlow on every backend.
    "sktoynet, TensorFlow imported too": "import tensorflow\n" + TOYNET,
}


def measure(model, backend=None, cache=None):
    """One fresh process; ``cache`` is (kind, folder) for a compilation cache."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SKTOYNET_")}
    env.pop("TF_XLA_FLAGS", None)
    if backend:
        env["KERAS_BACKEND"] = backend
    if cache is not None:
        if backend == "jax":
            env["SKTOYNET_COMPILATION_CACHE"] = cache
        else:
            env["TF_XLA_FLAGS"] = f"--tf_xla_persistent_cache_directory={cache}"
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE.format(imports=MODELS[model])],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def one_round(backends, scratch):
    """Every measurement once, in turn; each cache pair gets a new empty folder."""
    runs = {
        "MLPClassifier": measure("MLPClassifier"),
        "LogisticRegression": measure("LogisticRegression"),
    }
    for backend in backends:
        runs[f"sktoynet ({backend})"] = measure("sktoynet", backend)
        if backend == "jax":
            runs["sktoynet (jax), TensorFlow imported too"] = measure(
                "sktoynet, TensorFlow imported too", backend
            )
        folder = tempfile.mkdtemp(dir=scratch)
        kind = "sktoynet's" if backend == "jax" else "XLA's, by hand"
        runs[f"sktoynet ({backend}), cold cache ({kind})"] = measure("sktoynet", backend, folder)
        runs[f"sktoynet ({backend}), warm cache ({kind})"] = measure("sktoynet", backend, folder)
    return runs


def xla_cache_after_truncation(scratch):
    """What a TensorFlow fit does when its XLA cache entry was cut short (the evidence)."""
    folder = tempfile.mkdtemp(dir=scratch)
    measure("sktoynet", "tensorflow", folder)
    for entry in Path(folder).iterdir():
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    try:
        measure("sktoynet", "tensorflow", folder)
    except subprocess.CalledProcessError as failure:
        return "the fit fails: " + failure.stderr.strip().splitlines()[-1]
    return "the fit compiles again and succeeds"


IMPORT_TIME_CASES = {
    "import sktoynet": ["-c", "import sktoynet"],
    "sktoynet compare --help": ["-m", "sktoynet", "compare", "--help"],
}


def import_times(arguments, root, rounds):
    """Median cumulative import time (s) of what ``root`` imports, three levels down.

    ``python -X importtime`` prints a module after those it imports, indented
    one step (two spaces) deeper: ``root``'s own are the lines just before it.
    """
    times = {}
    for _ in range(rounds):
        completed = subprocess.run(
            [sys.executable, "-X", "importtime", *arguments],
            capture_output=True,
            text=True,
            check=True,
        )
        entries = []
        for line in completed.stderr.splitlines():
            if line.startswith("import time:") and "[us]" not in line:
                _, cumulative, name = line.split("|")
                depth = (len(name) - len(name.lstrip()) - 1) // 2
                entries.append((name.strip(), depth, int(cumulative) / 1e6))
        position = max(i for i, entry in enumerate(entries) if entry[0] == root)
        _, root_depth, root_time = entries[position]
        times.setdefault(root, []).append(root_time)
        for name, depth, seconds in reversed(entries[:position]):
            if depth <= root_depth:
                break
            if depth <= root_depth + 3:
                times.setdefault(name, []).append(seconds)
    return {name: statistics.median(values) for name, values in times.items()}


def print_import_times(rounds, top=8):
    """The modules that cost most in each case, and their share of the whole."""
    for case, arguments in IMPORT_TIME_CASES.items():
        root = "sktoynet.cli" if "compare" in case else "sktoynet"
        times = import_times(arguments, root, rounds)
        whole = times.pop(root)
        print(f"## {case}: importing {root} takes {whole:.3f} s (median of {rounds})\n")
        rows = [
            [name, f"{seconds:.3f}", f"{seconds / whole:.0%}"]
            for name, seconds in sorted(times.items(), key=lambda item: -item[1])[:top]
        ]
        if rows:
            print_table([f"imported by {root} (cumulative)", "seconds", "share"], rows)
        else:
            print("It imports no module that was not loaded already.\n")


def spread(values, digits):
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:.{digits}f}"
    return f"{middle:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--importtime",
        action="store_true",
        help="print the top 'python -X importtime' costs of the package and the command instead",
    )
    arguments = parser.parse_args()
    rounds = arguments.rounds
    if arguments.importtime:
        print(f"# What the import costs ({machine_description()})\n")
        print_import_times(rounds)
        return
    print(f"# Start-up weight of a fresh process ({machine_description()})\n")
    print(f"Median of {rounds} rounds (range in brackets); each value is a new process.")
    print(f"Load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n")
    backends = ["tensorflow"] + (["jax"] if importlib.util.find_spec("jax") else [])
    scratch = tempfile.mkdtemp(prefix="sktoynet-bench-startup-")
    try:
        all_rounds = [one_round(backends, scratch) for _ in range(rounds)]
        truncated = xla_cache_after_truncation(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    def values(name, field):
        return [runs[name][field] for runs in all_rounds]

    def start_up(name):
        return [runs[name]["import_s"] + runs[name]["first_fit_s"] for runs in all_rounds]

    mlp_start = statistics.median(start_up("MLPClassifier"))
    mlp_peak = statistics.median(values("MLPClassifier", "peak_mb"))
    rows = [
        [
            name,
            spread(values(name, "import_s"), 2),
            spread(values(name, "first_fit_s"), 2),
            spread(values(name, "second_fit_s"), 3),
            spread(values(name, "peak_mb"), 0),
            f"{statistics.median(start_up(name)) / mlp_start:.1f}x",
            f"{statistics.median(values(name, 'peak_mb')) / mlp_peak:.1f}x",
            "yes" if all(values(name, "tensorflow_loaded")) else "no",
        ]
        for name in all_rounds[0]
    ]
    print_table(
        [
            "model",
            "import (s)",
            "first fit (s)",
            "second fit (s)",
            "peak memory (MB)",
            "import + first fit vs MLP",
            "memory vs MLP",
            "TensorFlow loaded",
        ],
        rows,
    )
    print(
        "first fit: for sktoynet, builds and compiles the training program (a one-off cost per "
        "process and network shape), or loads it from a warm cache; second fit: the same fit "
        "again, steady state.\n"
    )
    if "jax" in backends:
        now, before = "sktoynet (jax)", "sktoynet (jax), TensorFlow imported too"
        ratios = [
            (r[now]["import_s"] + r[now]["first_fit_s"])
            / (r[before]["import_s"] + r[before]["first_fit_s"])
            for r in all_rounds
        ]
        peak = statistics.median(values(now, "peak_mb"))
        print(
            f"JAX, import + first fit, against the same with TensorFlow imported (as before), "
            f"round by round: {spread(ratios, 2)}x (target at most 0.7x)"
        )
        print(f"JAX, peak memory: {peak:.0f} MB (target at most 600 MB)")
    for backend in backends:
        kind = "sktoynet's" if backend == "jax" else "XLA's, by hand"
        cold = f"sktoynet ({backend}), cold cache ({kind})"
        warm = f"sktoynet ({backend}), warm cache ({kind})"
        ratios = [r[warm]["first_fit_s"] / r[cold]["first_fit_s"] for r in all_rounds]
        print(
            f"{backend}, first fit with a warm cache against a cold one, round by round: "
            f"{spread(ratios, 2)}x"
        )
    print(f"tensorflow, XLA cache entries truncated to half, next process: {truncated}")
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")


if __name__ == "__main__":
    main()
