"""The extraction metric (issue 4's definition) and the grouped cross-validation behind the
benchmark: edge cases computed by hand, and a small real CV run on development pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.crossval import cache_key, crossval_predictions, site_folds
from pipeline.extract.devsets import PageSet, site_domain
from pipeline.extract.evaluate import (
    PageScore,
    normalize,
    score_page,
    score_predictions,
    score_truth,
    shingle_scores,
    summarize,
)


def test_both_empty_is_perfect_and_one_empty_is_zero() -> None:
    assert shingle_scores("", "") == (1.0, 1.0, 1.0)
    assert shingle_scores("  ... ©  ", "") == (1.0, 1.0, 1.0)  # no \w+ token: empty
    assert shingle_scores("some text here", "") == (0.0, 0.0, 0.0)
    assert shingle_scores("", "some text here") == (0.0, 0.0, 0.0)


def test_case_and_punctuation_do_not_count() -> None:
    assert shingle_scores("Hello, World! It's fine-tuned.", "hello world it s fine tuned") == (
        1.0,
        1.0,
        1.0,
    )


def test_four_gram_precision_and_recall() -> None:
    # Gold: 6 tokens -> 3 four-grams; prediction adds 2 tokens -> 5 four-grams, 3 shared.
    p, r, f = shingle_scores("menu a b c d e f footer", "a b c d e f")
    assert (p, r) == (3 / 5, 1.0)
    assert f == pytest.approx(2 * 0.6 / 1.6)


def test_unigrams_when_either_side_is_shorter_than_four_tokens() -> None:
    # Gold has 3 tokens: 4-grams would make recall impossible; both sides fall back to unigrams.
    assert shingle_scores("the cat sat on the mat", "the cat sat")[:2] == (3 / 6, 1.0)
    # Same when the prediction is the short side.
    assert shingle_scores("the cat sat", "the cat sat on the mat")[:2] == (1.0, 3 / 6)


def test_shingles_are_a_multiset() -> None:
    # Extracting the text twice doubles the predicted shingles but not the matches.
    p, r, _ = shingle_scores("a b c d a b c d", "a b c d")
    assert (p, r) == (1 / 5, 1.0)


def test_normalize_is_lowercase_word_tokens_joined_by_single_spaces() -> None:
    assert normalize("  Café—au\tLAIT,\n\n 2 x_y!") == "café au lait 2 x_y"


def test_snippets_match_whole_tokens_after_normalization() -> None:
    text = "Sleep Better.\n\nTonight: read   a book; homes matter."
    score = score_page(
        text,
        text,
        with_=["sleep better tonight", "READ A BOOK!", "never said"],
        without=["Home", "homes matter", "©", ""],
    )
    assert (score.with_found, score.with_total) == (2, 3)
    # "Home" is not leaked by "homes"; "©" and "" normalize to nothing and are not counted.
    assert (score.without_leaked, score.without_total) == (1, 2)


def test_summarize_means_pages_and_pools_snippets() -> None:
    pages = [PageScore(1.0, 1.0, 1.0, 1, 1, 0, 4), PageScore(0.5, 0.0, 0.0, 0, 3, 1, 1)]
    report = summarize(pages)
    assert report["f1"] == 0.5 and report["precision"] == 0.75
    assert report["with_coverage"] == 1 / 4  # pooled: 1 of 4 snippets, not the mean of 1 and 0
    assert report["without_leak"] == 1 / 5


def test_score_truth_tolerates_missing_fields() -> None:
    assert score_truth("", {}) == PageScore(1.0, 1.0, 1.0, 0, 0, 0, 0)
    score = score_truth("a b", {"articleBody": "a b", "with": ["a"], "without": None})
    assert (score.f1, score.with_found, score.without_total) == (1.0, 1, 0)


def test_score_predictions_groups_by_page_type() -> None:
    truth = {
        "1": {"articleBody": "a b c d e", "page_type": "article"},
        "2": {"articleBody": "x y", "page_type": "forum"},
        "3": {"articleBody": "x y"},
    }
    report = score_predictions({"1": "a b c d e", "2": "", "3": "x y"}, truth)
    assert report["overall"]["f1"] == pytest.approx(2 / 3)
    assert {k: v["f1"] for k, v in report["by_page_type"].items()} == {
        "article": 1.0,
        "forum": 0.0,
        "unknown": 1.0,
    }
    assert report["page_f1"] == {"1": 1.0, "2": 0.0, "3": 1.0}


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.example.com/a", "example.com"),
        ("https://connect.bcbsok.com/medicare/b", "bcbsok.com"),
        ("https://forum.mssociety.org.uk/t/1", "mssociety.org.uk"),
        ("https://www.thomann.de/x", "thomann.de"),
        ("https://blog.everfit.io/", "everfit.io"),
        ("", "page:0551"),
        ("not a url", "page:0551"),
        ("http://[bad/", "page:0551"),
    ],
)
def test_site_domain(url: str, domain: str) -> None:
    assert site_domain(url, "0551") == domain


def test_site_folds_keep_each_site_in_one_fold() -> None:
    urls = {f"{i:02}": f"https://s{i % 7}.example{i % 7}.com/p{i}" for i in range(30)}
    urls["30"] = "https://www.example3.com/other"  # same site as the s3 pages
    folds = site_folds(urls, n_splits=5)
    tests = [set(test) for _, test in folds]
    assert sorted(i for t in tests for i in t) == sorted(urls)  # every page tested once
    for train, test in folds:
        assert not set(train) & set(test)
        train_sites = {site_domain(urls[i]) for i in train}
        assert not train_sites & {site_domain(urls[i]) for i in test}
    assert site_folds(urls, n_splits=5) == folds  # deterministic
    with pytest.raises(ValueError, match="n_splits=9 needs at least as many sites"):
        site_folds(urls, n_splits=9)


def test_cache_key_changes_with_what_predictions_depend_on(dev_dir: Path) -> None:
    pages = PageSet.load(dev_dir)
    key = cache_key(pages, ["0001", "0002"], 5, 0)
    assert cache_key(pages, ["0002", "0001"], 5, 0) == key  # order of ids is irrelevant
    others = [
        cache_key(pages, ["0001"], 5, 0),
        cache_key(pages, ["0001", "0002"], 3, 0),
        cache_key(pages, ["0001", "0002"], 5, 1),
        cache_key(PageSet.load([dev_dir, dev_dir.parent / "extraction-more"]), ["0001"], 5, 0),
    ]
    assert key not in others and len(set(others)) == 4


@pytest.mark.slow
def test_crossval_resumes_from_the_cache_and_predicts_held_out_pages(
    dev_dir: Path, tmp_path: Path
) -> None:
    truth = json.loads((dev_dir / "ground-truth.json").read_text(encoding="utf-8"))
    by_site: dict[str, str] = {}
    for page_id in sorted(truth):
        if truth[page_id]["page_type"] == "article":
            by_site.setdefault(site_domain(truth[page_id]["url"], page_id), page_id)
    ids = sorted(by_site.values())[:8]
    folds = site_folds({i: truth[i]["url"] for i in ids}, n_splits=2)
    # A run interrupted after fold 1: its cache holds that fold only. Only fold 2 is computed.
    key = cache_key(PageSet.load(dev_dir), ids, 2, 0)
    cached = {i: "from the cache" for i in folds[0][1]}
    (tmp_path / f"crossval-{key}.json").write_text(
        json.dumps({"key": key, "folds": [{"test_ids": folds[0][1], "predictions": cached}]})
    )
    texts, tested = crossval_predictions(dev_dir, ids, n_splits=2, cache_dir=tmp_path)
    assert tested == [test for _, test in folds] and sorted(texts) == ids
    assert all(texts[i] == "from the cache" for i in folds[0][1])
    # Fold 2's pages come from a model trained on fold 1's sites only (4 articles); a working
    # extractor still finds most of an article's body.
    f1 = summarize(score_truth(texts[i], truth[i]) for i in folds[1][1])["f1"]
    assert f1 > 0.5, f1
    saved = json.loads((tmp_path / f"crossval-{key}.json").read_text())
    assert [f["test_ids"] for f in saved["folds"]] == tested
