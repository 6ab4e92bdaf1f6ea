"""The ``sktoynet`` command line (also ``python -m sktoynet``).

``sktoynet compare`` grid-searches sktoynet, LogisticRegression and
MLPClassifier on the same stratified folds, prints a table per problem and
writes a report (tables, figures, index.html). Bad input ends with one line
on stderr and exit status 2.
"""

import argparse
import gc
import os
import signal
import sys
import tempfile
import threading
import time
from functools import partial

from sktoynet._interrupt import STOP_SIGNALS, Interrupted, interrupts_stop_the_run
from sktoynet._report._folder import MANIFEST, ReportFolder
from sktoynet._safe_text import for_terminal
from sktoynet._versions import __version__
from sktoynet.cli._datasets import (
    DEFAULT_DATASETS,
    NAMED_DATASETS,
    DataError,
    load_csv,
    load_named,
)
from sktoynet.cli._workers import kill_worker_processes, quiet_resource_tracker
from sktoynet.comparison._data_summary import summarize

#: Where ``sktoynet compare`` writes its report unless told otherwise.
DEFAULT_OUT = "sktoynet-report"

EXIT_USAGE = 2
#: The fits ran, but the report could not be written (its tables are saved where possible).
EXIT_REPORT_FAILED = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command ended by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM

#: Above this estimated duration (seconds), the command warns at the start.
LONG_RUN_SECONDS = 180

#: After Ctrl-C or SIGTERM, how long Python's exit may take before the process ends anyway.
EXIT_GRACE_SECONDS = 5.0


def build_parser():
    """The argument parser of the ``sktoynet`` command."""
    parser = argparse.ArgumentParser(
        prog="sktoynet",
        description="A tiny Keras-network classifier for scikit-learn, and a fair "
        "comparison of it with LogisticRegression and MLPClassifier.",
    )
    parser.add_argument("--version", action="version", version=f"sktoynet {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    compare = commands.add_parser(
        "compare",
        help="grid-search sktoynet, LogisticRegression and MLPClassifier side by side",
        description="Grid-search sktoynet (learning_rate x width), LogisticRegression (C) "
        "and MLPClassifier (learning_rate_init x hidden_layer_sizes), each behind a "
        "StandardScaler (after one shared encoding step for tables with strings, dates or "
        "missing values), on the same stratified cross-validation folds. Prints one table "
        "per problem and writes a report. Without --dataset or --data, runs on the two "
        "built-in toy problems (two_squares, three_bands).",
        epilog=f"Example: sktoynet compare --dataset moons --dataset xor --out {DEFAULT_OUT}",
    )
    source = compare.add_argument_group("data (default: --dataset two_squares three_bands)")
    source.add_argument(
        "--dataset",
        action="append",
        choices=list(NAMED_DATASETS),
        metavar="NAME",
        help="a built-in problem; repeat for several. One of: " + ", ".join(NAMED_DATASETS),
    )
    source.add_argument(
        "--data",
        metavar="FILE.csv",
        help="your own CSV file: a target column and features (numbers, strings, booleans, "
        "dates, missing values; encoded by skrub's TableVectorizer inside each fold)",
    )
    source.add_argument("--target", metavar="COLUMN", help="the label column of --data")
    source.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column of --data to leave out (an ID, a leak); repeat for several",
    )
    source.add_argument(
        "--sep",
        type=_one_character,
        default=",",
        metavar="CHAR",
        help="the column separator of --data: one character, or \\t for tabs (default: ,)",
    )
    source.add_argument(
        "--decimal",
        type=_one_character,
        default=".",
        metavar="CHAR",
        help="the decimal mark of the numbers in --data, such as , for 1,5 (default: .)",
    )
    search = compare.add_argument_group("search")
    search.add_argument(
        "--cv", type=_at_least_two, default=5, metavar="K", help="stratified folds (default: 5)"
    )
    search.add_argument(
        "--repeats",
        type=_positive,
        default=None,
        metavar="R",
        help="draw the K folds R times, differently shuffled, for a more sensitive test "
        "between models (R times longer; default: 1)",
    )
    search.add_argument(
        "--scoring",
        default="accuracy",
        metavar="NAME",
        help="a scikit-learn scorer name (default: accuracy)",
    )
    search.add_argument(
        "--n-jobs",
        type=int,
        default=-1,
        metavar="N",
        help="worker processes for the fits of LogisticRegression and MLPClassifier, "
        "which run while sktoynet trains in this process (default: -1, one per core; "
        "1: everything in this process, one model after the other)",
    )
    search.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the folds, the networks and the generated data (default: 0)",
    )
    search.add_argument(
        "--quick",
        action="store_true",
        help="smaller grids and shorter training: a first look in seconds",
    )
    output = compare.add_argument_group("output")
    output.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help="folder for the report: results.csv, results.md, PNG figures and index.html "
        f"(default: ./{DEFAULT_OUT}). It must be new, empty or an earlier sktoynet report "
        f"(listed in its {MANIFEST}); sktoynet never overwrites other files",
    )
    output.add_argument("--no-report", action="store_true", help="print the tables only")
    output.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def run():
    """The ``sktoynet`` command's entry point: :func:`main`, then exit with its status.

    The resource tracker of the worker processes is kept quiet (see
    :func:`~sktoynet.cli._workers.quiet_resource_tracker`). Three things make
    the exit prompt (none is done by :func:`main`, which also runs inside
    other programs, the tests among them):

    - the worker processes are ended: joblib's executor would otherwise shut
      them down one by one at exit (about 0.4 s), and after Ctrl-C it would
      first wait for every fit still handed to them;
    - the objects are frozen: Python's last garbage collection would
      otherwise walk TensorFlow's object graph for about 2 seconds, while the
      operating system frees the memory anyway;
    - after an interrupt (Ctrl-C or SIGTERM), Python's exit gets
      :data:`EXIT_GRACE_SECONDS`, then the process ends anyway. Ctrl-C
      raises in this thread wherever it is, possibly while it holds a lock
      that another thread then waits for forever (tqdm's, when it lands in
      a progress-bar update), and Python's exit would wait for that thread
      (joblib's executor joins its own). By then the report's staging
      folder is removed and the workers are ended.

    Once :func:`main` has returned, the run is over, its report written or
    not: a further Ctrl-C or SIGTERM (a second press, or ``timeout``'s, which
    goes to the command and then to its whole process group) no longer cuts
    the ending of the workers with a traceback; it only starts that grace
    period, if it has not started yet.
    """
    quiet_resource_tracker()
    status = main()
    grace = partial(_end_anyway_after, EXIT_GRACE_SECONDS, status)
    for signum in STOP_SIGNALS:
        signal.signal(signum, lambda signum, frame: grace())
    kill_worker_processes()
    if status in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        grace()
    gc.freeze()
    sys.exit(status)


def _end_anyway_after(seconds, status):
    """End the process with ``status`` in ``seconds``, if Python's exit has not ended it.

    Only the first call starts the countdown.
    """
    if any(thread.name == _WATCHDOG for thread in threading.enumerate()):
        return

    def end():
        time.sleep(seconds)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)

    threading.Thread(target=end, name=_WATCHDOG, daemon=True).start()


_WATCHDOG = "sktoynet-exit-watchdog"


def _int_at_least(minimum, unit=""):
    """An argparse type: an integer of at least ``minimum`` (``unit`` names it in the error)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"needs at least {minimum}{unit}, got {value}")
        return value

    return parse


_at_least_two = _int_at_least(2, " folds")
_positive = _int_at_least(1)


def _one_character(text):
    """An argparse type: one character, as pandas' C parser takes.

    ``\\t`` (what ``--sep '\\t'`` passes: a backslash and a t) and ``tab`` mean a tab;
    the command's spelling is read here alone.
    """
    character = {"\\t": "\t", "tab": "\t"}.get(text, text)
    if len(character) != 1:
        raise argparse.ArgumentTypeError(f"needs a single character (\\t for a tab), got {text!r}")
    return character


def main(argv=None) -> int:
    """Run the ``sktoynet`` command; returns the exit status.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name; None reads ``sys.argv``.

    Returns
    -------
    status : int
        0 on success, 1 when the fits ran but the report could not be
        written (its tables are saved where possible, and one line on stderr
        says where), 2 on bad input (with one line on stderr), 130 when
        interrupted by Ctrl-C (SIGINT), 143 when ended by SIGTERM (``kill``,
        ``timeout``), with one line on stderr and no report either way.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with interrupts_stop_the_run():
            if args.command == "compare":
                return _compare(args, parser)
    except (DataError, ValueError, FloatingPointError, OSError) as exc:
        return _fail(exc)
    except (Interrupted, KeyboardInterrupt) as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        by = " by SIGTERM" if signum == signal.SIGTERM else ""
        print(f"\nsktoynet: interrupted{by}; no report written", file=sys.stderr)
        return EXIT_TERMINATED if signum == signal.SIGTERM else EXIT_INTERRUPTED
    return EXIT_USAGE  # pragma: no cover - argparse requires a command


def _compare_problem(args, problem, repeats, compare_summarised, make_models):
    """Compare the models on one problem, printing its summary, table and verdict."""
    from sktoynet._report._render import format_table, verdict_lines

    print(f"\n== {for_terminal(f'{problem.title}: {problem.description}')}", flush=True)
    summary = summarize(problem.X, problem.y, problem.feature_names)
    for line in summary.lines():
        print(f"   {for_terminal(line)}")
    for column in summary.id_like:
        print(
            f"sktoynet: warning: column {column!r} has a different value on every row, "
            f"like an ID; it is used as a feature: if it is one, add --drop {for_terminal(column)}",
            file=sys.stderr,
            flush=True,
        )
    started = time.perf_counter()
    result = compare_summarised(
        problem.X,
        problem.y,
        summary,
        models=make_models(args.random_state, quick=args.quick),
        cv=args.cv,
        scoring=args.scoring,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        progress=not args.quiet,
        n_repeats=repeats,
    )
    if result.preprocessed:
        print(f"   {for_terminal(result.summary.lines()[-1])}")
    print(format_table(result.table))
    best_score = result.table["mean_test_score"].max()
    print(
        f"   best CV {args.scoring}: {best_score:.3f} ({for_terminal(result.best_model_)})"
        f"  [{time.perf_counter() - started:.1f} s]"
    )
    for line in verdict_lines(result):
        print(f"   {line}")
    sys.stdout.flush()
    return result


def _one_line(exc):
    return for_terminal(" ".join(str(exc).split()) or type(exc).__name__)


def _fail(exc):
    print(f"sktoynet: error: {_one_line(exc)}", file=sys.stderr)
    return EXIT_USAGE


def _load_problems(args, parser):
    if args.target is not None and args.data is None:
        parser.error("--target needs --data FILE.csv")
    if args.drop and args.data is None:
        parser.error("--drop needs --data FILE.csv")
    if args.data is not None:
        if args.target is None:
            parser.error("--data needs --target COLUMN (the label column)")
        if args.dataset:
            parser.error("use either --data or --dataset, not both")
        if args.decimal == args.sep:
            parser.error(f"--decimal {args.decimal!r} is also the column separator (--sep)")
        return [
            load_csv(args.data, args.target, drop=args.drop, sep=args.sep, decimal=args.decimal)
        ]
    names = list(dict.fromkeys(args.dataset or DEFAULT_DATASETS))
    return [load_named(name, random_state=args.random_state) for name in names]


def _compare(args, parser):
    from joblib import effective_n_jobs
    from sklearn.metrics import get_scorer

    from sktoynet.comparison._checks import check_scoring, check_target, target_warnings
    from sktoynet.comparison._compare import compare_summarised
    from sktoynet.comparison._models import command_models

    problems = _load_problems(args, parser)
    get_scorer(args.scoring)  # an unknown name fails now, not after minutes of fitting
    effective_n_jobs(args.n_jobs)  # so does --n-jobs 0
    for problem in problems:
        try:
            problem.y = check_target(problem.y, args.cv)
            check_scoring(args.scoring, problem.y)
        except ValueError as exc:
            raise DataError(f"{problem.title}: {exc}") from exc
        problem.warnings += target_warnings(problem.y, args.cv)
        problem.warnings += _long_run_warnings(args, problem)
    # The report folder is checked, and its staging folder made, before any fit.
    folder = None if args.no_report else ReportFolder(args.out)
    for problem in problems:
        for line in problem.warnings:
            warning = for_terminal(f"{problem.title}: {line}")
            print(f"sktoynet: warning: {warning}", file=sys.stderr, flush=True)
    try:
        return _run(args, problems, folder, compare_summarised, command_models)
    finally:
        if folder is not None:
            folder.discard()


def _long_run_warnings(args, problem):
    """A line when the default models may take over :data:`LONG_RUN_SECONDS` on ``problem``."""
    from sktoynet.comparison._compare import DEFAULT_REPEATS
    from sktoynet.comparison._models import rough_duration

    repeats = DEFAULT_REPEATS if args.repeats is None else args.repeats
    seconds = rough_duration(len(problem.y), quick=args.quick, n_splits=args.cv, n_repeats=repeats)
    if seconds <= LONG_RUN_SECONDS:
        return []
    advice = (
        "take a sample of the rows for a first look"
        if args.quick
        else "pass --quick, or take a sample of the rows, for a first look"
    )
    return [
        f"{len(problem.y):,} rows: this run may take about {_minutes(seconds)} on this kind "
        f"of machine (a rough estimate from the number of rows); {advice}"
    ]


def _minutes(seconds):
    """``"20-40 minutes"``: half to twice ``seconds``, rounded, for an estimate that rough."""
    low, high = seconds / 2 / 60, seconds * 2 / 60
    if high >= 120:
        return f"{low / 60:.0f}-{high / 60:.0f} hours"
    return f"{low:.0f}-{high:.0f} minutes"


def _run(args, problems, folder, compare_summarised, make_models):
    from sktoynet._report._render import Section, save_sections
    from sktoynet.comparison._compare import DEFAULT_REPEATS

    repeats = DEFAULT_REPEATS if args.repeats is None else args.repeats
    times = f", repeated {repeats} times" if repeats > 1 else ""
    settings = (
        f"{args.cv}-fold stratified cross-validation{times} (shuffled, random_state="
        f"{args.random_state}), scoring={args.scoring}" + (", quick grids" if args.quick else "")
    )
    print(f"sktoynet {__version__}: {settings}")
    sections = []
    for problem in problems:
        result = _compare_problem(args, problem, repeats, compare_summarised, make_models)
        sections.append(Section(problem, result))
    if folder is not None:
        print(f"\nwriting the report to {args.out} ...", flush=True)
        try:
            written, notes = save_sections(folder, sections, settings=settings)
        except Exception as exc:  # after the fits: an error must not lose their tables
            folder.discard()
            return _save_tables_instead(args.out, sections, settings, exc)
        for note in notes:
            print(f"sktoynet: note: {for_terminal(note)}", file=sys.stderr)
        index = next(path for path in written if path.name == "index.html")
        print(for_terminal(f"report: {index} ({len(written)} files in {args.out})"))
    return 0


def _save_tables_instead(out, sections, settings, exc):
    """After the report failed with ``exc``: write its tables alone, say where, return 1.

    Into ``out`` if it still takes a report (the figures may be what failed),
    else into a new folder of the system's temporary folder.
    """
    from dataclasses import replace

    from sktoynet._report._render import save_sections

    reason = _one_line(exc)
    tables_only = [replace(section, figures=[], notes=[], drawn=True) for section in sections]
    fallback = os.path.join(tempfile.gettempdir(), f"sktoynet-tables-{os.urandom(4).hex()}")
    where = "the tables are only in the output above"
    for folder_path in (out, fallback):
        try:
            with ReportFolder(folder_path) as folder:
                written, _ = save_sections(folder, tables_only, settings=settings)
        except Exception:  # noqa: BLE001 - the next place, or the terminal, will do
            continue
        names = ", ".join(path.name for path in written)
        where = f"the tables alone are in {folder_path} ({names})"
        break
    print(f"sktoynet: error: the report could not be written ({reason}); {where}", file=sys.stderr)
    return EXIT_REPORT_FAILED
