"""Does ``sktoynet compare`` end at once after Ctrl-C, leaving no process, without worker killing?

Starts ``sktoynet compare`` (through ``_main_job_without.py``, as it is or
without the killing of the worker processes at exit) in a process group of
its own, sends SIGINT a few seconds after its worker processes have
started, and prints how long it took to exit and how many processes of its
group were left one second later (those are then killed). Linux only (it
reads ``/proc``).

Run: python benchmarks/bench_interrupt_exit.py [--rounds 2]
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WITHOUT = Path(__file__).with_name("_main_job_without.py")
SETTINGS = {"as it is": "none", "without worker killing": "worker_killing"}


def group_members(group):
    """The process ids of process group ``group``, zombies left out."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def interrupted_run(switch, delay):
    """Seconds from SIGINT to the command's exit, its status, and the processes left."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, str(WITHOUT), switch, "compare", "--quiet"]
        process = subprocess.Popen(
            [*command, "--out", str(Path(scratch) / "report")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        while len(group_members(process.pid)) < 3 and process.poll() is None:
            time.sleep(0.2)  # the command and at least two worker processes
        time.sleep(delay)
        sent = time.perf_counter()
        process.send_signal(signal.SIGINT)
        status = process.wait()
        seconds = time.perf_counter() - sent
        time.sleep(1.0)
        left = group_members(process.pid)
        if left:
            os.killpg(process.pid, signal.SIGKILL)
        return seconds, status, len(left)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--delay", type=float, default=3.0)
    args = parser.parse_args()
    print(
        f"# SIGINT {args.delay:g} s after the workers start; load average {os.getloadavg()[0]:.1f}"
    )
    for round_number in range(args.rounds):
        for name, switch in SETTINGS.items():
            seconds, status, left = interrupted_run(switch, args.delay)
            print(
                f"round {round_number + 1}, {name}: exit status {status}, {seconds:.1f} s after "
                f"SIGINT, {left} process(es) of its group left 1 s later; load average "
                f"{os.getloadavg()[0]:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
