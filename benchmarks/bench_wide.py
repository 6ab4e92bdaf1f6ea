"""Peak memory against the number of columns: the report's figures and the whole command.

On a 60-row table of 100, 1,000 and 5,000 random numeric columns, each in a
fresh process, the peak resident memory (VmHWM) of the main process for:

- the peer: MLPClassifier (behind a StandardScaler) fitted on the data;
- ``plot_decision_boundary`` of that fitted peer (the fit, then the figure);
- ``sktoynet compare --quick`` on the data as a CSV file, with its report,
  and with ``--no-report``. The peak of its worker processes (the largest
  one, from ``RUSAGE_CHILDREN``) is shown apart.

Each peak is also given as a ratio to the peer's, measured in the same run.

Run: python benchmarks/bench_wide.py [--columns 100 1000 5000]
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import machine_description, print_table

ROWS = 60

DATA = r"""
import numpy as np, pandas as pd
rng = np.random.RandomState(0)
names = [f"c{{i}}" for i in range({columns})]
X = pd.DataFrame(rng.normal(size=({rows}, {columns})), columns=names)
y = (X["c0"] + X["c1"] > 0).astype(int).to_numpy()
"""

PEAK = r"""
import json, resource
def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"main_mb": peak_mb(), "workers_mb": workers}))
"""

PEER = r"""
import warnings
warnings.simplefilter("ignore")
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
model = make_pipeline(StandardScaler(), MLPClassifier(random_state=0)).fit(X, y)
"""

FIGURE = r"""
import matplotlib
matplotlib.use("Agg")
from sktoynet.plotting import plot_decision_boundary
ax = plot_decision_boundary(model, X, y)
ax.figure.savefig({png!r}, dpi=100)
"""

COMMAND = r"""
import sys
from sktoynet.cli import main
status = main({argv!r})
if status:
    sys.exit(status)
"""


def run(code, cwd):
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=False
    )
    if completed.returncode:
        raise RuntimeError(completed.stderr[-2000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(columns, folder):
    """Peaks (MB) of the peer, the figure and the command on ``columns`` columns."""
    data = DATA.format(rows=ROWS, columns=columns)
    csv = folder / f"wide-{columns}.csv"
    run(data + f"X.assign(y=y).to_csv({str(csv)!r}, index=False)\n" + PEAK, folder)
    png = str(folder / f"figure-{columns}.png")
    peaks = {
        "peer": run(data + PEER + PEAK, folder),
        "figure": run(data + PEER + FIGURE.format(png=png) + PEAK, folder),
    }
    for name, extra in [
        ("compare", ["--out", str(folder / f"report-{columns}")]),
        (
            "no_report",
            ["--no-report"],
        ),
    ]:
        argv = ["compare", "--data", str(csv), "--target", "y", "--quick", "--quiet", *extra]
        peaks[name] = run(COMMAND.format(argv=argv) + PEAK, folder)
    return peaks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args()
    print(f"# Peak memory against columns, {ROWS} rows ({machine_description()})\n")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for columns in args.columns:
            peaks = measure(columns, Path(tmp))
            peer = peaks["peer"]["main_mb"]

            def shown(name, peer=peer, peaks=peaks):
                return f"{peaks[name]['main_mb']:.0f} ({peaks[name]['main_mb'] / peer:.1f}x)"

            rows.append(
                [
                    f"{columns:,}",
                    f"{peer:.0f}",
                    shown("figure"),
                    shown("compare"),
                    shown("no_report"),
                    f"{peaks['compare']['workers_mb']:.0f}",
                ]
            )
    print_table(
        [
            "columns",
            "peer: MLP fit (MB)",
            "MLP fit + plot_decision_boundary (MB)",
            "compare --quick (MB)",
            "compare --quick --no-report (MB)",
            "largest worker (MB)",
        ],
        rows,
    )
    print(
        "Peak resident memory (VmHWM) of the main process, each in a fresh process; in "
        "brackets, against the peer measured in the same run. Largest worker: the peak of the "
        "largest worker process of compare --quick (RUSAGE_CHILDREN)."
    )


if __name__ == "__main__":
    main()
