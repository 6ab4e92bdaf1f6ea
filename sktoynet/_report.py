"""The comparison report: tables for the terminal, CSV, Markdown, PNG figures and index.html.

The HTML page is self-contained (inline style, no scripts) and refers to the
figures by relative paths, so the folder can be opened offline or moved.
"""

import html
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sktoynet.plotting import INSTALL_HINT

#: Column headers for people, in the terminal, Markdown and HTML.
DISPLAY_COLUMNS = {
    "best_params": "best parameters",
    "mean_test_score": "CV score",
    "std_test_score": "CV std",
    "mean_fit_time": "fit time (s)",
    "train_score": "train score",
}

#: What the columns mean, under the settings line of the Markdown and HTML reports.
COLUMNS_NOTE = (
    "CV score and CV std: mean and standard deviation over the folds, for each model's best "
    "grid point. Fit time: mean seconds per fold for that grid point (sktoynet's first fit on "
    "a new data shape includes a one-off compilation of a few seconds). Train score: the best "
    "grid point refitted on all rows, scored on those rows."
)


@dataclass
class Section:
    """One problem of the report and what the comparison found on it."""

    problem: object  # sktoynet._cli_datasets.Problem
    result: object  # sktoynet.comparison.ComparisonResult
    figures: list = field(default_factory=list)  # (file name, caption)
    notes: list = field(default_factory=list)


def display_table(table):
    """The result table with readable headers and numbers formatted as text."""
    shown = pd.DataFrame(index=table.index.astype(str))
    shown.index.name = "model"
    for column, header in DISPLAY_COLUMNS.items():
        values = table[column]
        if column == "best_params":
            shown[header] = values.astype(str)
        else:
            shown[header] = [f"{value:.3f}" for value in values]
    return shown


def format_table(table):
    """Aligned plain-text columns for the terminal: text left, numbers right."""
    shown = display_table(table).reset_index()
    headers = list(shown.columns)
    rows = shown.astype(str).to_numpy().tolist()
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
    """A GitHub-flavoured Markdown table, numbers right-aligned."""
    shown = display_table(table).reset_index()
    headers = list(shown.columns)

    def escape(cell):
        return str(cell).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join(["---", "---"] + ["---:"] * (len(headers) - 2)) + "|")
    for row in shown.itertuples(index=False):
        lines.append("| " + " | ".join(escape(cell) for cell in row) + " |")
    return "\n".join(lines)


def matplotlib_available():
    """Whether matplotlib can be imported, without importing it."""
    return importlib.util.find_spec("matplotlib") is not None


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
    combined.to_csv(out_dir / "results.csv", float_format="%.6g")
    written.append(out_dir / "results.csv")

    markdown = ["# sktoynet comparison", ""]
    if settings:
        markdown += [settings, ""]
    markdown += [COLUMNS_NOTE, ""]
    for section in sections:
        markdown += [
            f"## {section.problem.title}",
            "",
            f"{section.problem.description}",
            "",
            *(f"- {line}" for line in _summary_lines(section)),
            "",
            markdown_table(section.result.table),
            "",
        ]
    (out_dir / "results.md").write_text("\n".join(markdown), encoding="utf-8")
    written.append(out_dir / "results.md")

    notes = []
    if matplotlib_available():
        for section in sections:
            written += _write_figures(out_dir, section)
    else:
        notes.append(f"figures skipped: matplotlib is not installed; {INSTALL_HINT}")

    (out_dir / "index.html").write_text(_html_page(sections, settings, notes), encoding="utf-8")
    written.append(out_dir / "index.html")
    return written, notes


def _summary_lines(section):
    """The data summary, with the preprocessing line only when there was preprocessing."""
    result = section.result
    lines = result.summary.lines()
    return lines if result.preprocessed else lines[:-1]


def _is_toynet(estimator):
    step = estimator[-1] if hasattr(estimator, "steps") else estimator
    return type(step).__name__ == "ToyNetClassifier"


def _new_figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _add_figure(section, written, out_dir, figure, file_name, caption):
    """Save ``figure`` as ``file_name`` and list it, with its caption, in the section."""
    figure.savefig(out_dir / file_name, dpi=100)
    written.append(out_dir / file_name)
    section.figures.append((file_name, caption))


def _write_figures(out_dir, section):
    from sktoynet import plotting

    problem, result = section.problem, section.result
    name = problem.name
    written = []
    scoring = result.scoring if isinstance(result.scoring, str) else "score"
    n_features = problem.X.shape[1]

    estimators = result.best_estimators_
    figure = _new_figure(5.2 * len(estimators), 4.4)
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
    n_inputs = result.summary.n_model_inputs
    if n_features > 2 or result.preprocessed and n_inputs > 2:
        seen = (
            f"{n_features} features"
            if not result.preprocessed
            else f"{n_features} columns, {n_inputs} after preprocessing"
        )
        made = "encoded and scaled" if result.preprocessed else "scaled"
        figure.suptitle(
            f"{seen}: shown on the plane of the first two principal components of the "
            f"data each model's last step sees ({made}), through its mean"
        )
        section.notes.append(
            f"The data has {seen}, so the decision boundaries are drawn on a PCA plane: the "
            f"first two principal components of the data as each model's final estimator sees "
            f"it ({made}), through its mean. It is a 2-D slice of each model's decision "
            "function, not the whole of it."
        )
    _add_figure(
        section,
        written,
        out_dir,
        figure,
        f"{name}-decision-boundaries.png",
        "What each model's best estimator (refitted on all rows) predicts.",
    )

    toynets = [model for model, est in estimators.items() if _is_toynet(est)]
    for model in toynets:
        cv_results = result.cv_results_[model]
        figure = _new_figure(10.5, 4.0)
        left, right = figure.subplots(1, 2)
        try:
            plotting.plot_score_heatmap(cv_results, ax=left, title=f"{model}: mean CV {scoring}")
            plotting.plot_score_heatmap(
                cv_results,
                score="mean_fit_time",
                ax=right,
                title=f"{model}: mean fit time (s)",
            )
        except ValueError as exc:
            section.notes.append(f"No score heatmap for {model}: {exc}.")
        else:
            _add_figure(
                section,
                written,
                out_dir,
                figure,
                f"{name}-{_slug(model)}-score-heatmap.png",
                f"{model}: cross-validated score and mean fit time over the grid "
                "(the first grid point's time includes the one-off compilation).",
            )

        figure = _new_figure(6.5, 4.2)
        ax = figure.subplots()
        best = result.best_params_[model]
        plotting.plot_loss_curves(
            estimators[model],
            ax=ax,
            title=f"{model}, best fit ({_short(best)})",
        )
        _add_figure(
            section,
            written,
            out_dir,
            figure,
            f"{name}-{_slug(model)}-loss-curves.png",
            f"{model}: training loss of the best estimator, refitted on all rows; "
            "crosses mark where the other random restarts ended.",
        )
    return written


def _short(params):
    from sktoynet.comparison import short_params

    return short_params(params)


def _slug(text):
    return "".join(c if c.isalnum() else "-" for c in str(text)).strip("-").lower() or "model"


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1200px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
.settings { color: #555; }
table.results { border-collapse: collapse; margin: 1em 0; }
table.results th, table.results td { padding: 0.35em 0.8em; border-bottom: 1px solid #ddd; }
table.results td { text-align: right; font-variant-numeric: tabular-nums; }
table.results td:first-of-type { text-align: left; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; }
.note { background: #fff8e1; padding: 0.5em 1em; border-left: 4px solid #f0c040; }
"""


def _html_table(table):
    return display_table(table).to_html(classes="results", border=0, justify="left")


def _html_page(sections, settings, notes):
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>sktoynet comparison</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>sktoynet comparison</h1>",
    ]
    if settings:
        parts.append(f'<p class="settings">{html.escape(settings)}</p>')
    parts.append(f'<p class="settings">{html.escape(COLUMNS_NOTE)}</p>')
    parts += [f'<p class="note">{html.escape(note)}</p>' for note in notes]
    for section in sections:
        problem, table = section.problem, section.result.table
        leaders = section.result.leaders_
        parts += [
            f'<section id="{html.escape(problem.name)}">',
            f"<h2>{html.escape(problem.title)}</h2>",
            f"<p>{html.escape(problem.description)}. "
            f"Best cross-validated score ({table['mean_test_score'].max():.3f}): "
            f"<strong>{html.escape(', '.join(leaders))}</strong>"
            f"{' (tie)' if len(leaders) > 1 else ''}.</p>",
            "<ul>",
            *(f"<li>{html.escape(line)}</li>" for line in _summary_lines(section)),
            "</ul>",
            _html_table(table),
        ]
        parts += [f'<p class="note">{html.escape(note)}</p>' for note in section.notes]
        for file_name, caption in section.figures:
            parts.append(
                f'<figure><img src="{html.escape(file_name)}" alt="{html.escape(caption)}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)
