"""eval-topics: the labeled-corpus evaluation beside the true-k baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.topics.evaluate import baseline, evaluate, read_corpus, score


def write_corpus(path: Path, texts: list[str], truth: list[int]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for text, label in zip(texts, truth, strict=True):
            out.write(json.dumps({"text": text, "label": f"topic-{label}"}) + "\n")
    return path


def test_score_counts_outliers_as_a_class() -> None:
    perfect = score(["a", "a", "b", "b"], [0, 0, 1, 1])
    assert (perfect.nmi, perfect.ari, perfect.topics, perfect.outlier_share) == (1.0, 1.0, 2, 0.0)
    refused = score(["a", "a", "b", "b"], [0, 0, -1, -1])
    assert refused.topics == 1 and refused.outlier_share == 0.5
    assert refused.nmi == 1.0  # -1 is a class of its own: here it is exactly topic b
    mixed = score(["a", "a", "b", "b"], [0, -1, 0, -1])
    assert mixed.nmi < 0.1


def test_evaluate_runs_every_method_on_a_real_corpus(corpus: tuple[list[str], list[int]]) -> None:
    texts, truth = corpus
    labels = [str(t) for t in truth]
    results = evaluate(texts, labels, random_states=(0, 1))
    assert set(results) == {"baseline (true k)", "content-audit (auto k)", "content-audit (true k)"}
    for median, runs in results.values():
        assert len(runs) == 2 and median.nmi >= 0.9
    assert results["content-audit (auto k)"][0].topics == 4
    assert len(set(baseline(texts, 4))) == 4


def test_eval_topics_cli(tmp_path: Path, corpus: tuple[list[str], list[int]]) -> None:
    path = write_corpus(tmp_path / "c.jsonl", *corpus)
    result = CliRunner().invoke(main, ["eval-topics", str(path), "--random-state", "0"])
    assert result.exit_code == 0, result.output
    assert "32 texts, 4 labels" in result.output
    assert "content-audit (auto k)" in result.output and "true k = 4" in result.output


def test_eval_topics_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "label": "x"}\n{"text": "b"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval-topics", str(path)])
    assert result.exit_code != 0 and "bad.jsonl:2" in result.output
    with pytest.raises(ValueError, match="label"):
        read_corpus(path)
