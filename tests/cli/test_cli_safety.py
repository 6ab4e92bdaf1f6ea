"""The user's files are safe, and Ctrl-C stops every stage (issue 11, items 5 and 6).

The interrupt tests run the real command in a subprocess and send SIGINT once
the stage under test has started, which they learn from what the command
prints: the progress bar's description (the model being searched) on stderr,
and "writing the report" on stdout.
"""

import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sktoynet._report._folder import MANIFEST
from sktoynet.cli import main
from sktoynet.comparison import default_models
from tests._helpers import COMMAND_MODELS, REPO_ROOT

pytest.importorskip("matplotlib")


def only_logistic_regression(random_state=None, *, quick=False):
    return {"LogisticRegression": default_models(random_state)["LogisticRegression"]}


@pytest.fixture
def fast_models(monkeypatch):
    monkeypatch.setattr(COMMAND_MODELS, only_logistic_regression)


def run(capsys, *args):
    status = main(["compare", "--dataset", "xor", "--quiet", *args])
    out, err = capsys.readouterr()
    return status, out, err


def leftovers(folder):
    return [entry.name for entry in folder.iterdir() if entry.name.startswith(".sktoynet")]


def assert_refused_before_fitting(status, out, err, message):
    assert status == 2
    assert out == ""  # not even the settings line: nothing was fitted
    assert err.startswith("sktoynet: error: --out ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_out_that_is_a_file_is_refused_and_kept(tmp_path, capsys, fast_models):
    mine = tmp_path / "notes.txt"
    mine.write_text("mine")
    assert_refused_before_fitting(*run(capsys, "--out", str(mine)), "is a file, not a folder")
    assert mine.read_text() == "mine"
    assert leftovers(tmp_path) == []


def test_out_under_a_file_is_refused(tmp_path, capsys, fast_models):
    (tmp_path / "notes.txt").write_text("mine")
    status, out, err = run(capsys, "--out", str(tmp_path / "notes.txt" / "report"))
    assert_refused_before_fitting(status, out, err, "notes.txt' is a file, not a folder")


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs a /proc file system")
def test_out_where_nothing_can_be_written_is_refused(capsys, fast_models):
    status, out, err = run(capsys, "--out", "/proc/sktoynet-report")
    assert_refused_before_fitting(status, out, err, "cannot write in '/proc'")


def test_a_folder_with_files_of_the_user_is_refused_and_left_alone(tmp_path, capsys, fast_models):
    out_dir = tmp_path / "report"
    out_dir.mkdir()
    (out_dir / "index.html").write_text("my own page")
    status, out, err = run(capsys, "--out", str(out_dir))
    assert_refused_before_fitting(status, out, err, "holds files sktoynet did not write")
    assert "'index.html'" in err
    assert [entry.name for entry in out_dir.iterdir()] == ["index.html"]
    assert (out_dir / "index.html").read_text() == "my own page"


def test_an_earlier_report_is_replaced_whole_but_not_once_the_user_added_a_file(
    tmp_path, capsys, fast_models
):
    out_dir = tmp_path / "report"
    assert run(capsys, "--out", str(out_dir))[0] == 0
    listed = set((out_dir / MANIFEST).read_text().split())
    assert {"index.html", "results.csv", "xor-decision-boundaries.png"} <= listed
    assert {entry.name for entry in out_dir.iterdir()} == listed | {MANIFEST}
    (out_dir / "results.csv").write_text("stale")  # an earlier report's file: replaced

    assert run(capsys, "--out", str(out_dir), "--cv", "3")[0] == 0
    assert "dataset,model" in (out_dir / "results.csv").read_text()
    assert leftovers(tmp_path) == []

    (out_dir / "my-notes.txt").write_text("mine")
    status, out, err = run(capsys, "--out", str(out_dir))
    assert_refused_before_fitting(status, out, err, "'my-notes.txt'")
    assert (out_dir / "my-notes.txt").read_text() == "mine"


def test_an_error_while_writing_leaves_no_report(tmp_path, capsys, fast_models, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("sktoynet._report._render.markdown_table", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the tables would go next
    out_dir = tmp_path / "report"
    status, out, err = run(capsys, "--out", str(out_dir))
    # After the fits: exit status 1, and the tables, which no file could take, are printed.
    assert status == 1 and "LogisticRegression" in out
    assert err == (
        "sktoynet: error: the report could not be written (disk full); "
        "the tables are only in the output above\n"
    )
    assert list(tmp_path.iterdir()) == []


# --- Ctrl-C, in a real process -------------------------------------------------------


@pytest.fixture(scope="module")
def interrupt_data(tmp_path_factory):
    """Big enough that each search stage lasts a second or more, small enough to be quick."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=2000, n_features=20, n_informative=10, flip_y=0.1, random_state=0
    )
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame["label"] = np.where(y == 1, "yes", "no")
    path = tmp_path_factory.mktemp("data") / "points.csv"
    frame.to_csv(path, index=False)
    return path


def run_and_interrupt(data, out_dir, stage_pattern, extra_args=()):
    """Run the command, send SIGINT when ``stage_pattern`` shows up; return (status, out, err).

    With ``"--terminal"`` among ``extra_args`` (taken out), SIGINT goes to the
    whole process group, workers included, as a terminal's Ctrl-C does.

    The command runs in a process group of its own, which must be empty (worker
    processes included) a few seconds after it exits.
    """
    command = [sys.executable, "-m", "sktoynet", "compare", "--data", str(data), "--target"]
    terminal = "--terminal" in extra_args
    extra_args = [arg for arg in extra_args if arg != "--terminal"]
    command += ["label", "--quick", "--cv", "3", "--out", str(out_dir), *extra_args]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))  # this source tree, installed or not
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=out_dir.parent,
        env=env,
        start_new_session=True,
    )
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, "out")
    selector.register(process.stderr, selectors.EVENT_READ, "err")
    seen = {"out": b"", "err": b""}
    deadline = time.monotonic() + 240  # a safety net against a hung test, not a timing check
    sent = False
    while selector.get_map() and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1):
            chunk = os.read(key.fileobj.fileno(), 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                continue
            seen[key.data] += chunk
            if not sent and re.search(stage_pattern, seen["out"] + seen["err"]):
                if terminal:
                    os.killpg(process.pid, signal.SIGINT)
                else:
                    process.send_signal(signal.SIGINT)
                sent = True
    status = process.wait(timeout=60)
    assert sent, f"the stage {stage_pattern!r} never showed up"
    assert not processes_left(process.pid), "worker processes outlived the command"
    return status, seen["out"].decode(), seen["err"].decode()


def processes_left(group, grace=10.0):
    """Whether process group ``group`` still has a process after ``grace`` seconds."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    os.killpg(group, signal.SIGKILL)  # do not leave them behind the test either
    return True


@pytest.mark.parametrize(
    "stage, pattern, not_reached, extra_args",
    [
        # By default the net trains here while the others' fits run in worker processes.
        # On a loaded machine the others may be done before the net starts (building it
        # imports TensorFlow): the stage is the net's search either way.
        ("side-by-side search", rb"sktoynet( \+ \S+)?:\s+\d+%", "writing the report", ()),
        (
            "side-by-side search, Ctrl-C in a terminal",
            rb"sktoynet( \+ \S+)?:\s+\d+%",
            "writing the report",
            ("--terminal",),
        ),
        ("sktoynet search", rb"sktoynet:\s+\d+%", "LogisticRegression", ("--n-jobs", "1")),
        (
            "LogisticRegression search",
            rb"LogisticRegression:\s+\d+%",
            "MLPClassifier",
            ("--n-jobs", "1"),
        ),
        # MLPClassifier catches KeyboardInterrupt itself and trains on; not our interrupt.
        (
            "MLPClassifier search",
            rb"MLPClassifier:\s+\d+%",
            "writing the report",
            ("--n-jobs", "1"),
        ),
        ("report writing", rb"writing the report", "report: ", ()),
    ],
)
def test_ctrl_c_stops_every_stage_with_status_130_and_no_report(
    tmp_path, interrupt_data, stage, pattern, not_reached, extra_args
):
    out_dir = tmp_path / "report"
    status, out, err = run_and_interrupt(interrupt_data, out_dir, pattern, extra_args)
    assert status == 130, err[-2000:]
    assert err.endswith("sktoynet: interrupted; no report written\n")
    assert "Traceback" not in err and "Training interrupted by user" not in err
    assert not_reached not in out + err  # it stopped in that stage
    assert not out_dir.exists()
    assert leftovers(tmp_path) == []


def test_a_complete_run_ends_its_worker_processes_quietly(tmp_path):
    # The command ends its idle workers itself at exit (quicker than joblib's
    # shutdown): none may outlive it, and ending them must print nothing.
    command = [sys.executable, "-m", "sktoynet", "compare", "--dataset", "two_squares"]
    command += ["--quick", "--cv", "3", "--quiet", "--out", str(tmp_path / "report")]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
        start_new_session=True,
    )
    out, err = process.communicate(timeout=240)  # a safety net, not a timing check
    assert process.returncode == 0, err.decode()[-2000:]
    assert err.decode() == ""
    assert b"report: " in out and (tmp_path / "report" / "index.html").exists()
    assert not processes_left(process.pid, grace=5.0), "worker processes outlived the command"


def test_after_ctrl_c_the_command_exits_without_waiting_for_other_threads():
    # Ctrl-C raises in the main thread wherever it is. Once it landed in a
    # progress-bar update, holding tqdm's lock: joblib's executor thread then
    # waited for that lock forever, and Python's exit for that thread (seen in
    # CI, with py-spy). An exit hook that never returns stands for that wait.
    code = (
        "import threading, sktoynet.cli._command as cli\n"
        "threading._register_atexit(threading.Event().wait)\n"
        "cli.main = lambda argv=None: cli.EXIT_INTERRUPTED\n"
        "cli.run()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run(  # the timeout is a safety net, not a timing check
        [sys.executable, "-c", code], capture_output=True, timeout=120, env=env
    )
    assert done.returncode == 130, done.stderr.decode()[-2000:]


def test_ctrl_c_raises_past_except_keyboardinterrupt_and_waits_during_the_final_move():
    from sktoynet._interrupt import Interrupted, interrupts_deferred, interrupts_stop_the_run

    previous = signal.getsignal(signal.SIGINT)
    # An interrupt stays latched for the rest of the run: leaving the block raises it again.
    with pytest.raises(Interrupted), interrupts_stop_the_run():
        with pytest.raises(Interrupted):
            try:
                os.kill(os.getpid(), signal.SIGINT)
                for _ in range(1000):  # the handler runs between bytecodes, in this thread
                    time.sleep(0.001)
            except (KeyboardInterrupt, Exception):  # what MLPClassifier and GridSearchCV catch
                pytest.fail("the interrupt was caught")
    finished = False
    with pytest.raises(Interrupted), interrupts_stop_the_run():
        with interrupts_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(100):
                time.sleep(0.001)
            finished = True
    assert finished
    assert signal.getsignal(signal.SIGINT) is previous


def test_ctrl_c_during_a_progress_bar_update_is_raised_once_the_update_is_done():
    from sktoynet._interrupt import Interrupted, interrupts_deferred, interrupts_stop_the_run
    from sktoynet.comparison._progress import InterruptSafeBar

    lock = threading.Lock()
    done = []

    class TqdmLike:  # takes its lock without a with, as tqdm's refresh does
        def update(self, n):
            lock.acquire()
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(100):  # the handler runs between bytecodes, in this thread
                time.sleep(0.001)
            lock.release()
            done.append(n)

    # Each run is interrupted once: its interrupt stays latched until the run ends.
    with pytest.raises(Interrupted), interrupts_stop_the_run():
        with pytest.raises(Interrupted):
            InterruptSafeBar(TqdmLike()).update(3)
        assert done == [3] and not lock.locked()  # another thread can write the bar
    with pytest.raises(Interrupted), interrupts_stop_the_run():
        with pytest.raises(Interrupted):  # within a longer deferred step, raised at its end
            with interrupts_deferred():
                InterruptSafeBar(TqdmLike()).update(4)
                done.append("rest of the step")
        assert done == [3, 4, "rest of the step"]


# --- Fail before fitting, or not at all (issue 24, items 4, 6 and 12) ------------------


def test_out_dot_in_an_empty_folder_gets_the_report_there(
    tmp_path, capsys, fast_models, monkeypatch
):
    # "." cannot be renamed: the report is moved in file by file, and sktoynet's
    # own staging folder inside it is not taken for a file of the user's.
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "--out", ".")
    assert status == 0, err
    listed = set((tmp_path / MANIFEST).read_text().split())
    assert {"index.html", "results.csv"} <= listed
    assert {entry.name for entry in tmp_path.iterdir()} == listed | {MANIFEST}
    # And again: the earlier report in "." is replaced.
    (tmp_path / "results.csv").write_text("stale")
    assert run(capsys, "--out", ".", "--cv", "3")[0] == 0
    assert "dataset,model" in (tmp_path / "results.csv").read_text()
    assert leftovers(tmp_path) == []


def test_a_read_only_earlier_report_is_refused_before_fitting(tmp_path, capsys, fast_models):
    out_dir = tmp_path / "report"
    assert run(capsys, "--out", str(out_dir), "--n-jobs", "1")[0] == 0
    before = {entry.name: entry.read_bytes() for entry in out_dir.iterdir()}
    out_dir.chmod(0o555)
    try:
        status, out, err = run(capsys, "--out", str(out_dir), "--n-jobs", "1")
    finally:
        out_dir.chmod(0o755)
    assert_refused_before_fitting(status, out, err, "cannot write in")
    assert {entry.name: entry.read_bytes() for entry in out_dir.iterdir()} == before
    assert leftovers(tmp_path) == []


def test_an_earlier_report_with_a_read_only_file_is_refused_before_fitting(
    tmp_path, capsys, fast_models
):
    out_dir = tmp_path / "report"
    assert run(capsys, "--out", str(out_dir), "--n-jobs", "1")[0] == 0
    (out_dir / "results.csv").chmod(0o444)  # the user protected it
    status, out, err = run(capsys, "--out", str(out_dir), "--n-jobs", "1")
    assert_refused_before_fitting(status, out, err, "read-only files ('results.csv')")
    assert leftovers(tmp_path) == []


def test_a_failed_final_move_leaves_the_earlier_report_and_nothing_else(
    tmp_path, capsys, fast_models, monkeypatch
):
    out_dir = tmp_path / "report"
    assert run(capsys, "--out", str(out_dir))[0] == 0
    before = {entry.name: entry.read_bytes() for entry in out_dir.iterdir()}
    real_replace = os.replace

    def staging_cannot_be_moved(source, destination):  # into out_dir; elsewhere it can
        if ".sktoynet-staging-" in str(source) and Path(destination) == out_dir.resolve():
            raise PermissionError(13, "Permission denied")
        return real_replace(source, destination)

    monkeypatch.setattr(os, "replace", staging_cannot_be_moved)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    status, out, err = run(capsys, "--out", str(out_dir))
    assert status == 1
    assert "+----" in out or "LogisticRegression" in out  # the table was printed
    assert err.startswith("sktoynet: error: the report could not be written (--out ")
    assert "Permission denied" in err and err.count("\n") == 1
    assert {entry.name: entry.read_bytes() for entry in out_dir.iterdir()} == before
    assert leftovers(tmp_path) == []
    # Its tables went to a new folder of the temporary folder, named in the message.
    (fallback,) = (tmp_path / "tmp").iterdir()
    assert f"the tables alone are in {fallback} (" in err
    assert "dataset,model" in (fallback / "results.csv").read_text()
    assert leftovers(tmp_path / "tmp") == []


def test_a_report_whose_figures_fail_still_writes_its_tables_into_out(
    tmp_path, capsys, fast_models, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("no room for the figure")

    monkeypatch.setattr("sktoynet._report._render.write_figures", broken)
    out_dir = tmp_path / "report"
    status, out, err = run(capsys, "--out", str(out_dir))
    assert status == 1
    assert err == (
        "sktoynet: error: the report could not be written (no room for the figure); the "
        f"tables alone are in {out_dir} (index.html, results.csv, results.md)\n"
    )
    assert set((out_dir / MANIFEST).read_text().split()) == {
        "results.csv",
        "results.md",
        "index.html",
    }
    assert "dataset,model" in (out_dir / "results.csv").read_text()
    assert leftovers(tmp_path) == []


def test_a_symlinked_out_is_written_through_and_kept(tmp_path, capsys, fast_models):
    target = tmp_path / "reports" / "latest"
    target.mkdir(parents=True)
    link = tmp_path / "report"
    link.symlink_to(target, target_is_directory=True)
    for _ in range(2):  # new, then replacing the earlier report behind the link
        status, out, err = run(capsys, "--out", str(link))
        assert status == 0, err
        assert link.is_symlink() and link.resolve() == target
        assert (target / "index.html").is_file() and (target / MANIFEST).is_file()
    assert f"report: {link / 'index.html'}" in out
    assert leftovers(tmp_path) == leftovers(tmp_path / "reports") == []
