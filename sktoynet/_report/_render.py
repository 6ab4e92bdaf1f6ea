"""The comparison report: tables for the terminal, CSV, Markdown, PNG figures and index.html.

The HTML page is self-contained (inline style, no scripts) and refers to the
figures by relative paths, so the folder can be opened offline or moved.
"""

import base64
import importlib.util
import io
from pathlib import Path

import numpy as np
import pandas as pd

from sktoynet._report._sections import Problem, Section
from sktoynet._safe_text import (
    file_stem,
    file_stems,
    for_html,
    for_markdown,
    for_terminal,
    for_url,
    html_table,
    neutralise_csv_frame,
)
from sktoynet._utils import format_p, is_toynet, short_params
from sktoynet.plotting import INSTALL_HINT

#: Column headers for people, in the terminal, Markdown and HTML; "95% CI" joins two columns.
DISPLAY_COLUMNS = {
    "best_params": "best parameters",
    "mean_test_score": "CV score",
    "std_test_score": "CV std",
    "ci_low": "95% CI",
    "p_value": "p vs top",
    "mean_fit_time": "fit time (s)",
    "compile_time": "compile (s)",
    "total_time": "total (s)",
    "train_score": "train score",
}

#: What the columns mean, under the settings line of the Markdown and HTML reports.
COLUMNS_NOTE = (
    "CV score and CV std: mean and standard deviation over the shared splits, for each model's "
    "chosen grid point (among points within one standard error of the best score, the best "
    "cross-validated log-loss, then the first in the grid). 95% CI: confidence interval of "
    "that mean, with Nadeau and Bengio's correction for overlapping training sets, clipped to "
    "the range of the score (0 to 1 for accuracy). p vs top: "
    "one-sided corrected repeated k-fold t-test against the top model on the same splits, "
    "Holm-adjusted across models. Fit time: mean seconds per fit at that grid point, "
    "compilation excluded (wall time: when the models are searched side by side, it includes "
    "sharing the CPU with the others' fits); compile: sktoynet's one-off compilation, paid "
    "once before its search. Total: seconds for the model's search, refit and out-of-fold "
    "predictions (wall time; in the command, the first problem's also counts the worker "
    "processes' start). Train score: the chosen grid point refitted on all rows, scored on those "
    "rows."
)


def _format_seconds(value):
    return f"{value:.3f}" if np.isfinite(value) else "-"


def display_table(table):
    """The result table with readable headers and numbers formatted as text."""
    shown = pd.DataFrame(index=table.index.astype(str))
    shown.index.name = "model"
    for column, header in DISPLAY_COLUMNS.items():
        values = table[column]
        if column == "best_params":
            shown[header] = values.astype(str)
        elif column == "ci_low":
            shown[header] = [
                f"{low:.3f}-{high:.3f}" if np.isfinite(low) else "-"
                for low, high in zip(values, table["ci_high"], strict=True)
            ]
        elif column == "p_value":
            shown[header] = [format_p(value) for value in values]
        elif column in ("compile_time", "total_time"):
            shown[header] = [_format_seconds(value) for value in values]
        else:
            shown[header] = [f"{value:.3f}" for value in values]
    return shown


def format_table(table):
    """Aligned plain-text columns for the terminal: text left, numbers right.

    Control characters in model names and parameters are shown as escapes.
    """
    shown = display_table(table).reset_index()
    headers = list(shown.columns)
    rows = [[for_terminal(cell) for cell in row] for row in shown.to_numpy()]
    widths = [max(len(headers[i]), *(len(row[i]) for row in rows)) for i in range(len(headers))]
    left = {0, 1}  # model and parameters

    def line(cells):
        return "  ".join(
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def markdown_table(table):
    """A GitHub-flavoured Markdown table, numbers right-aligned, every cell literal text."""
    shown = display_table(table).reset_index()
    headers = list(shown.columns)

    def line(cells):
        return "| " + " | ".join(for_markdown(cell) for cell in cells) + " |"

    lines = [line(headers)]
    lines.append("|" + "|".join(["---", "---"] + ["---:"] * (len(headers) - 2)) + "|")
    lines += [line(row) for row in shown.itertuples(index=False)]
    return "\n".join(lines)


def matplotlib_available():
    """Whether matplotlib can be imported, without importing it."""
    return importlib.util.find_spec("matplotlib") is not None


def problem_of(result, title="data", description=""):
    """A :class:`~sktoynet._report._sections.Problem` for ``result``'s own data, as the CLI has."""
    X = result.X
    columns = getattr(X, "columns", None)
    n_features = np.shape(X)[1]
    if columns is not None:
        names = [str(column) for column in columns]
    else:
        names = [f"x{i}" for i in range(n_features)]
    return Problem(_slug(title), str(title), X, np.asarray(result.y), names, description)


def baseline_lines(result):
    """The majority-class baseline in one line, or none (a result made without one)."""
    if result.baseline is None:
        return []
    return [result.baseline.line(result.scoring)]


def verdict_lines(result):
    """The baseline, the verdict, then each flag: what the terminal prints under a table."""
    lines = [
        *baseline_lines(result),
        f"verdict: {result.verdict}",
        *(f"flag: {flag}" for flag in result.flags),
    ]
    return [for_terminal(line) for line in lines]


def write_report(out_dir, sections, *, settings=""):
    """Write tables, figures and index.html for ``sections`` into ``out_dir``.

    Returns the paths written and notes for the user (such as figures that
    were skipped and why).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []

    combined = pd.concat(
        {section.problem.name: section.result.table for section in sections},
        names=["dataset", "model"],
    )
    # Text cells that a spreadsheet would run as formulas get a leading quote.
    neutralise_csv_frame(combined).to_csv(out_dir / "results.csv", float_format="%.6g")
    written.append(out_dir / "results.csv")

    def paragraph(text):
        return for_markdown(text, line_start=True)

    markdown = ["# sktoynet comparison", ""]
    if settings:
        markdown += [paragraph(settings), ""]
    markdown += [paragraph(COLUMNS_NOTE), ""]
    for section in sections:
        result = section.result
        markdown += [
            f"## {for_markdown(section.problem.title)}",
            "",
            paragraph(section.problem.description),
            "",
            *(f"- {for_markdown(line)}" for line in _summary_lines(section)),
            "",
            markdown_table(result.table),
            "",
            *(for_markdown(line, line_start=True) for line in baseline_lines(result)),
            "",
            f"**Verdict:** {for_markdown(result.verdict)}",
            "",
            *(f"- flag: {for_markdown(flag)}" for flag in result.flags),
            "",
        ]
    versions = [f"- {for_markdown(line)}" for line in _version_lines(sections)]
    markdown += ["## Software", "", *versions, ""]
    (out_dir / "results.md").write_text("\n".join(markdown), encoding="utf-8")
    written.append(out_dir / "results.md")

    notes = []
    if matplotlib_available():
        for section in sections:
            if not section.drawn:
                write_figures(out_dir, section)
            written += [out_dir / file_name for file_name, _ in section.figures]
    else:
        notes.append(f"figures skipped: matplotlib is not installed; {INSTALL_HINT}")

    page = _html_page(sections, settings, notes)
    (out_dir / "index.html").write_text(page, encoding="utf-8")
    written.append(out_dir / "index.html")
    return written, notes


def write_figures(out_dir, section):
    """Draw the figures of ``section`` as PNG files into ``out_dir`` (an existing folder).

    Records them (and any notes) on ``section``, which :func:`write_report`
    then does not draw again.
    """
    from sktoynet.plotting import missing_glyphs_ignored

    for file_name, caption, figure in _figures(section, _new_figure):
        with missing_glyphs_ignored():
            figure.savefig(Path(out_dir) / file_name, dpi=100)
        section.figures.append((file_name, caption))
    section.drawn = True


def save_sections(folder, sections, *, settings=""):
    """Write the report of ``sections`` into ``folder`` (a ReportFolder) and move it into place.

    What ``sktoynet compare`` and ``ComparisonResult.save_report`` both do.
    Returns the paths of the report, in its final place, and the notes.
    """
    from sktoynet._interrupt import interrupts_deferred

    written, notes = write_report(folder.staging, sections, settings=settings)
    with interrupts_deferred() as held:
        written = folder.commit(written)
        held.result_delivered()  # the report is complete: finishing beats a false "no report"
    return written, notes


def _summary_lines(section):
    """The data summary, with the preprocessing line only when there was preprocessing."""
    result = section.result
    lines = result.summary.lines()
    return lines if result.preprocessed else lines[:-1]


def _version_lines(sections):
    versions = {}
    for section in sections:
        versions.update(section.result.versions)
    return [f"{name} {value}" for name, value in versions.items()]


def _new_figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _new_pyplot_figure(width, height):
    from sktoynet.plotting import _pyplot

    return _pyplot().figure(figsize=(width, height), layout="constrained")


def draw_figures(result, *, pyplot=False):
    """``[(figure, caption)]``: the report's figures for ``result``, drawn now."""
    from sktoynet.plotting import _pyplot

    _pyplot()  # one clear ImportError when matplotlib is missing
    section = Section(problem_of(result), result)
    new_figure = _new_pyplot_figure if pyplot else _new_figure
    return [(figure, caption) for _, caption, figure in _figures(section, new_figure)]


def _figures(section, new_figure):
    """Yield ``(file name, caption, figure)`` for each figure of ``section``."""
    from sktoynet import plotting

    problem, result = section.problem, section.result
    name = file_stem(problem.name)
    scoring = result.scoring if isinstance(result.scoring, str) else "score"
    n_features = problem.X.shape[1]

    estimators = result.best_estimators_
    figure = new_figure(5.2 * len(estimators), 4.4)
    axes = figure.subplots(1, len(estimators), squeeze=False)[0]
    for ax, (model, estimator) in zip(axes, estimators.items(), strict=True):
        row = result.table.loc[model]
        plotting.plot_decision_boundary(
            estimator,
            problem.X,
            problem.y,
            ax=ax,
            feature_names=problem.feature_names,
            title=f"{model}\nCV {scoring} {row['mean_test_score']:.3f}, "
            f"train {row['train_score']:.3f}",
        )
    n_inputs = result.summary.n_model_inputs if result.preprocessed else n_features
    if n_inputs > 2:  # each panel says so too (see plotting.plot_decision_boundary)
        note = plotting._pca_plane_note(n_features, n_inputs)
        section.notes.append(f"Decision boundaries: {' '.join(note.splitlines())}.")
    yield (
        f"{name}-decision-boundaries.png",
        "What each model's best estimator (refitted on all rows) predicts.",
        figure,
    )

    toynets = [model for model, est in estimators.items() if is_toynet(est)]
    slugs = file_stems(toynets, lower=True)
    for model in toynets:
        cv_results = result.cv_results_[model]
        figure = new_figure(10.5, 4.0)
        left, right = figure.subplots(1, 2)
        # A grid trained in one program (ToyNetClassifierCV) has one time for all
        # its fits: its right-hand map shows the log-loss that breaks ties instead.
        one_program = model in result.trained_in_one_program_
        if one_program and "mean_test_neg_log_loss" in cv_results:
            right_score, right_title = "mean_test_neg_log_loss", "mean CV log-loss, negated"
            caption = (
                f"{model}: cross-validated score and log-loss over the grid (the grid "
                "trains in one program, so its fits have no times of their own; the "
                "log-loss breaks ties between equal scores)."
            )
        else:
            right_score, right_title = "mean_fit_time", "mean fit time (s)"
            caption = (
                f"{model}: cross-validated score and mean fit time over the grid "
                "(compilation excluded: it is paid once, before the search)."
            )
        try:
            plotting.plot_score_heatmap(cv_results, ax=left, title=f"{model}: mean CV {scoring}")
            plotting.plot_score_heatmap(
                cv_results, score=right_score, ax=right, title=f"{model}: {right_title}"
            )
        except ValueError as exc:
            section.notes.append(f"No score heatmap for {model}: {exc}.")
        else:
            yield (f"{name}-{slugs[model]}-score-heatmap.png", caption, figure)

        figure = new_figure(6.5, 4.2)
        ax = figure.subplots()
        best = result.best_params_[model]
        plotting.plot_loss_curves(
            estimators[model],
            ax=ax,
            title=f"{model}, best fit ({short_params(best)})",
        )
        yield (
            f"{name}-{slugs[model]}-loss-curves.png",
            f"{model}: training loss of the best estimator, refitted on all rows; "
            "crosses mark where the other random restarts ended.",
            figure,
        )


def _slug(text):
    return file_stem(str(text).lower())


_PAGE_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1200px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
"""

#: Styles of the report's parts, scoped to ``.sktoynet`` so that a notebook keeps its own.
_STYLE = """
.sktoynet .settings { color: #555; }
.sktoynet table.results { border-collapse: collapse; margin: 1em 0; }
.sktoynet table.results th, .sktoynet table.results td { padding: 0.35em 0.8em;
       border-bottom: 1px solid #ddd; }
.sktoynet table.results td { text-align: right; font-variant-numeric: tabular-nums; }
.sktoynet table.results td:first-of-type { text-align: left; }
.sktoynet table.results td:not(:first-of-type) { white-space: nowrap; }
.sktoynet .classes { display: flex; flex-wrap: wrap; gap: 2em; }
.sktoynet figure { margin: 1em 0 2em; }
.sktoynet figure img { max-width: 100%; border: 1px solid #eee; }
.sktoynet figcaption { color: #555; font-size: 0.9em; }
.sktoynet .verdict { font-size: 1.1em; }
.sktoynet .baseline { color: #555; }
.sktoynet .note { background: #fff8e1; padding: 0.5em 1em; border-left: 4px solid #f0c040; }
"""


def _html_table(table):
    return html_table(display_table(table), classes="results", border=0, justify="left")


def _class_tables_html(result):
    """Per model: the out-of-fold confusion matrix and per-class precision and recall."""
    parts = [
        "<h3>Per class (out of fold, first repeat of the shared folds)</h3>",
        '<div class="classes">',
    ]
    for model, confusion in result.confusion_matrices.items():
        metrics = result.class_metrics[model].copy()
        metrics[["precision", "recall"]] = metrics[["precision", "recall"]].map(
            lambda value: f"{value:.3f}"
        )
        parts += [
            f"<div><h4>{for_html(model)}</h4>",
            html_table(confusion, classes="results", border=0),
            html_table(metrics, classes="results", border=0),
            "</div>",
        ]
    parts.append("</div>")
    return parts


def _section_html(section, figure_sources):
    """The HTML of one problem; ``figure_sources`` gives each figure's ``src``, escaped."""
    problem, result = section.problem, section.result
    parts = [
        f'<section id="{for_html(file_stem(problem.name))}">',
        f"<h2>{for_html(problem.title)}</h2>",
    ]
    if problem.description:
        parts.append(f"<p>{for_html(problem.description)}.</p>")
    parts += [
        "<ul>",
        *(f"<li>{for_html(line)}</li>" for line in _summary_lines(section)),
        "</ul>",
        _html_table(result.table),
        *(f'<p class="baseline">{for_html(line)}</p>' for line in baseline_lines(result)),
        f'<p class="verdict"><strong>Verdict:</strong> {for_html(result.verdict)}</p>',
    ]
    parts += [f'<p class="note">flag: {for_html(flag)}</p>' for flag in result.flags]
    parts += [f'<p class="note">{for_html(note)}</p>' for note in section.notes]
    for (_, caption), source in zip(section.figures, figure_sources, strict=True):
        parts.append(
            f'<figure><img src="{source}" alt="{for_html(caption)}">'
            f"<figcaption>{for_html(caption)}</figcaption></figure>"
        )
    parts += _class_tables_html(result)
    parts.append("</section>")
    return parts


def _html_page(sections, settings, notes):
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>sktoynet comparison</title>",
        f"<style>{_PAGE_STYLE}{_STYLE}</style></head><body>",
        '<div class="sktoynet">',
        "<h1>sktoynet comparison</h1>",
    ]
    if settings:
        parts.append(f'<p class="settings">{for_html(settings)}</p>')
    parts.append(f'<p class="settings">{for_html(COLUMNS_NOTE)}</p>')
    parts += [f'<p class="note">{for_html(note)}</p>' for note in notes]
    for section in sections:
        sources = [for_url(file_name) for file_name, _ in section.figures]
        parts += _section_html(section, sources)
    software = "; ".join(_version_lines(sections))
    parts.append(f'<p class="settings">Software: {for_html(software)}.</p>')
    parts.append("</div></body></html>")
    return "\n".join(parts)


def notebook_html(result):
    """The HTML a notebook shows for ``result``: the report's section, figures embedded."""
    section = Section(problem_of(result, "compare"), result)
    sources = []
    if matplotlib_available():
        from sktoynet.plotting import missing_glyphs_ignored

        for file_name, caption, figure in _figures(section, _new_figure):
            buffer = io.BytesIO()
            with missing_glyphs_ignored():
                figure.savefig(buffer, format="png", dpi=80)
            section.figures.append((file_name, caption))
            # A data URL made here, of base64 characters only: nothing to encode.
            encoded = base64.b64encode(buffer.getvalue()).decode()
            sources.append(for_html(f"data:image/png;base64,{encoded}"))
    else:
        section.notes.append(f"Figures need matplotlib: {INSTALL_HINT}")
    parts = _section_html(section, sources)
    parts.append(f"<p>Software: {for_html('; '.join(_version_lines([section])))}.</p>")
    return "\n".join(['<div class="sktoynet">', f"<style>{_STYLE}</style>", *parts, "</div>"])
