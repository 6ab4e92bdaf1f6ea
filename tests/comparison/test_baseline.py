"""compare()'s majority-class baseline and the hint for imbalanced tables (issue 27, item 4)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktoynet import make_toynet
from sktoynet._report._render import verdict_lines
from sktoynet._safe_text import for_markdown
from sktoynet.cli import main
from sktoynet.comparison import compare
from sktoynet.comparison._baseline import judge_baseline, score_baseline
from tests._helpers import FAST_PARAMS


def logistic():
    return make_pipeline(StandardScaler(), LogisticRegression())


def noise_table(n_rows=300, share_yes=0.06, seed=0):
    """Features that say nothing about a label that is 'no' on 94 % of the rows."""
    rng = np.random.RandomState(seed)
    n_yes = int(round(n_rows * share_yes))
    y = np.array(["yes"] * n_yes + ["no"] * (n_rows - n_yes))
    rng.shuffle(y)
    X = pd.DataFrame(rng.normal(size=(n_rows, 3)), columns=["a", "b", "c"])
    return X, y


def informative_imbalanced_table(n_rows=300, seed=0):
    """A rare class (10 %) that one feature separates."""
    rng = np.random.RandomState(seed)
    y = np.where(rng.rand(n_rows) < 0.1, "yes", "no")
    X = pd.DataFrame(rng.normal(size=(n_rows, 3)), columns=["a", "b", "c"])
    X["a"] += np.where(y == "yes", 4.0, 0.0)
    return X, y


def fast_models():
    return {
        "sktoynet": (make_toynet(**{**FAST_PARAMS, "epochs": 60, "n_init": 2}), {}),
        "LogisticRegression": (logistic(), {"logisticregression__C": [1.0]}),
    }


@pytest.fixture(scope="module")
def useless_result():
    X, y = noise_table()
    return compare(X, y, models=fast_models(), cv=5, random_state=0)


def test_baseline_scores_the_majority_share_on_the_same_splits(useless_result):
    baseline = useless_result.baseline
    assert baseline.label == "no"
    assert len(baseline.split_scores) == len(useless_result.splits)
    y = np.asarray(useless_result.y)
    expected = [np.mean(y[test] == "no") for _, test in useless_result.splits]
    np.testing.assert_allclose(baseline.split_scores, expected)
    assert baseline.mean_score == pytest.approx(0.94, abs=0.005)
    assert "baseline" not in useless_result.table.index  # a yardstick, not a competitor


def test_verdict_says_first_when_no_model_beats_the_majority_class(useless_result):
    assert useless_result.baseline.beaten_by == []
    assert useless_result.verdict.startswith(
        "No model beats always predicting 'no' (accuracy 0.940). "
    )
    lines = verdict_lines(useless_result)
    assert lines[0].startswith("baseline: always predicting 'no' scores accuracy 0.940")
    assert lines[0].endswith("no model is significantly better")


def test_rare_class_and_accuracy_suggest_a_better_score(useless_result):
    hints = [flag for flag in useless_result.flags if "balanced_accuracy" in flag]
    assert len(hints) == 1
    assert "'yes', has 6.0% of the rows" in hints[0] and "'roc_auc'" in hints[0]


def test_models_that_learn_beat_the_baseline_and_the_verdict_is_as_before():
    X, y = informative_imbalanced_table()
    result = compare(X, y, models=fast_models(), cv=5, random_state=0)
    assert result.baseline.beaten_by == ["sktoynet", "LogisticRegression"]
    assert not result.verdict.startswith("No model")
    assert verdict_lines(result)[0].endswith("every model is significantly better")


@pytest.mark.parametrize("scoring", ["balanced_accuracy", "roc_auc"])
def test_suggested_scorers_run_end_to_end(scoring, tmp_path):
    X, y = informative_imbalanced_table()
    result = compare(X, y, models=fast_models(), cv=5, scoring=scoring, random_state=0)
    # Always predicting one class: half the classes recalled, or no ranking at all.
    assert result.baseline.mean_score == pytest.approx(0.5)
    assert np.isfinite(result.table["mean_test_score"]).all()
    assert (result.table["mean_test_score"] > 0.8).all()
    assert not any("balanced_accuracy" in flag for flag in result.flags)  # only for accuracy
    index = result.save_report(tmp_path / "report")
    markdown = (tmp_path / "report" / "results.md").read_text()
    line = result.baseline.line(scoring)
    assert f"always predicting 'no' scores {scoring} 0.500" in line
    assert for_markdown(line, line_start=True) in markdown.splitlines()
    assert f"always predicting &#x27;no&#x27; scores {scoring} 0.500" in index.read_text()
    assert "always predicting" in result._repr_html_()


def test_the_command_prints_the_baseline_and_the_hint(tmp_path, capsys):
    X, y = noise_table(n_rows=200)
    data = tmp_path / "rare.csv"
    X.assign(label=y).to_csv(data, index=False)
    status = main(
        ["compare", "--data", str(data), "--target", "label", "--quick", "--quiet",
         "--n-jobs", "1", "--no-report"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    assert "baseline: always predicting 'no' scores accuracy 0.940" in out
    assert "verdict: No model beats always predicting 'no'" in out
    assert "--scoring balanced_accuracy" in out


def test_judge_baseline_holm_adjusts_and_needs_two_splits():
    baseline = np.array([0.5, 0.5, 0.5, 0.5])
    judged = judge_baseline(
        1, baseline, {"same": baseline, "better": baseline + [0.2, 0.3, 0.25, 0.2]}, 0.25
    )
    assert judged.beaten_by == ["better"]
    assert judged.p_value["same"] == 1.0
    assert judged.verdict_prefix("accuracy") == ""
    single = judge_baseline(1, baseline[:1], {"model": baseline[:1] + 0.4}, 0.25)
    assert not single.testable
    assert single.verdict_prefix("accuracy") == ""  # one split: nothing to claim
    assert single.line("accuracy") == (
        "baseline: always predicting 1 scores accuracy 0.500 on the same splits"
    )


def test_score_baseline_and_a_broken_scorer_fails_at_once():
    y = np.array([0, 1, 1, 1] * 5)
    splits = [(np.arange(10, 20), np.arange(10)), (np.arange(10), np.arange(10, 20))]
    label, scores = score_baseline(y, splits, "accuracy")
    assert label == 1 and scores.tolist() == [0.7, 0.8]  # 7 and 8 ones in each half
    y3 = np.array([0, 1, 2, 2] * 5)
    with pytest.raises(ValueError):
        score_baseline(y3, splits, "roc_auc")
