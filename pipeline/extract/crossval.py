"""Grouped cross-validation of the extractor on the development set: predictions for every page
from a model that never saw the page's site.

Pages are split into ``n_splits`` folds by :func:`site_domain` of their ground-truth ``url`` with
scikit-learn's ``GroupKFold`` (deterministic: no shuffling), so no site is in both train and test.
For each fold a model is fitted on the other folds' pages (``train.fit_pages``) and every test page
is extracted with the public path, ``extract_page(html, url, model=fold_model).main_text``.

Fitting five models takes minutes on two cores, so predictions can be cached in a JSON file
named after :func:`cache_key`: a hash of the extract package's source files, the classifier's
parameters, the ground truth, the page ids, ``n_splits`` and ``random_state``. Any change to the
code, the model or the data gives a new key, hence a fresh run; a stale file is never read. The
file is rewritten after each fold, so an interrupted run resumes at the next fold.

Dev tooling (it reads the development set); the installed product never imports it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sklearn
from lxml import etree
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from pipeline.extract.devsets import PageSet, site_domain
from pipeline.extract.evaluate import score_predictions
from pipeline.extract.extractor import extract_page
from pipeline.extract.model import BlockClassifier
from pipeline.extract.site import SITE_REPEAT_MIN_PAGES, apply_site_evidence
from pipeline.extract.train import DevPage, fit_pages, load_dev_pages

log = logging.getLogger(__name__)
N_SPLITS = 5


def site_folds(urls: dict[str, str], n_splits: int = N_SPLITS) -> list[tuple[list[str], list[str]]]:
    """(train ids, test ids) per fold, grouped by site domain; ids sorted for determinism."""
    ids = sorted(urls)
    groups = [site_domain(urls[i], i) for i in ids]
    if len(set(groups)) < n_splits:
        raise ValueError(
            f"n_splits={n_splits} needs at least as many sites; got {len(set(groups))}: "
            "use fewer folds or more pages"
        )
    folds = []
    for train_idx, test_idx in GroupKFold(n_splits=n_splits).split(ids, groups=groups):
        folds.append(([ids[i] for i in train_idx], [ids[i] for i in test_idx]))
    return folds


def cache_key(pageset: PageSet, ids: Sequence[str], n_splits: int, random_state: int) -> str:
    """Hash of everything a cross-validated prediction depends on."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    digest.update(f"sklearn {sklearn.__version__} lxml {etree.LXML_VERSION}".encode())
    params = BlockClassifier(random_state=random_state).get_params()
    digest.update(json.dumps(params, sort_keys=True, default=str).encode())
    digest.update(pageset.fingerprint())
    digest.update(json.dumps([sorted(ids), n_splits, random_state]).encode())
    return digest.hexdigest()[:20]


def _read_cache(path: Path | None, key: str) -> list[dict[str, Any]]:
    if path is None or not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("ignoring unreadable cross-validation cache %s: %s", path, exc)
        return []
    folds: list[dict[str, Any]] = data.get("folds", []) if data.get("key") == key else []
    return folds


def _write_cache(path: Path, key: str, folds: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "folds": folds}), encoding="utf-8")
    os.replace(tmp, path)


def _run_fold(
    pageset: PageSet,
    pages: dict[str, DevPage],
    fold: tuple[list[str], list[str]],
    urls: dict[str, str],
    seed: int,
) -> tuple[dict[str, str], dict[str, str]]:
    """Each test page's main text alone, and after the site evidence of its site's test pages
    (every page of a site is in the same fold, as after a crawl of that site)."""
    train_ids, test_ids = fold
    if set(train_ids) & set(test_ids):
        raise RuntimeError("a test page is in its own training fold")
    model = fit_pages([pages[i] for i in train_ids], random_state=seed)
    # One page's blocks are too few for a thread pool to pay: on two busy cores OpenMP's
    # spinning threads made each page ~10x slower than one thread.
    with threadpool_limits(limits=1):
        extracted = {
            i: extract_page(pageset.html(i), urls[i] or None, model=model) for i in test_ids
        }
    by_site: dict[str, list[str]] = defaultdict(list)
    for i in test_ids:
        by_site[site_domain(urls[i], i)].append(i)
    with_site: dict[str, str] = {}
    for ids in by_site.values():
        final, _ = apply_site_evidence([extracted[i] for i in ids])
        with_site.update({i: page.main_text for i, page in zip(ids, final, strict=True)})
    return {i: page.main_text for i, page in extracted.items()}, with_site


def crossval_folds(
    source: PageSet | Path,
    ids: Sequence[str] | None = None,
    n_splits: int = N_SPLITS,
    random_state: int = 0,
    cache_dir: Path | None = None,
    part: str = "tuning",
) -> list[dict[str, Any]]:
    """Per fold: its ``test_ids``, each test page's ``predictions`` (main text from the model of
    the fold that held it out) and its text ``with_site`` evidence of its site's test pages.

    ``ids`` defaults to the pages of ``part`` of the collection (``PageSet.select``: the tuning
    part, which never includes the untouched slice); ``cache_dir`` None disables the cache.
    """
    pageset = PageSet.of(source)
    chosen = pageset.select(ids, part)
    urls = {i: pageset.url(i) for i in chosen}
    key = cache_key(pageset, chosen, n_splits, random_state)
    cache = cache_dir / f"crossval-{key}.json" if cache_dir is not None else None
    done = _read_cache(cache, key)
    folds = site_folds(urls, n_splits)
    # Parsed and labelled once for all folds, not per fold: parsing dominates a fold's time.
    todo = len(done) < len(folds)
    pages = {p.page_id: p for p in load_dev_pages(pageset, chosen)} if todo else {}
    for number, fold in enumerate(folds):
        if number < len(done):
            continue
        log.info("fold %d/%d: %d train, %d test pages", number + 1, n_splits, *map(len, fold))
        predictions, with_site = _run_fold(pageset, pages, fold, urls, random_state)
        done.append({"test_ids": fold[1], "predictions": predictions, "with_site": with_site})
        if cache is not None:
            _write_cache(cache, key, done)
    return done


def untouched_predictions(
    source: PageSet | Path, random_state: int = 0, cache_dir: Path | None = None
) -> dict[str, str]:
    """Main text of every page of the untouched slice (``devsets``), from a model fitted on the
    whole tuning part: the figure reported once per change, never used to choose anything."""
    pageset = PageSet.of(source)
    train_ids, test_ids = pageset.tuning_ids(), pageset.untouched_ids()
    if not test_ids:
        raise ValueError("the collection has no untouched slice: give it extraction-more")
    key = cache_key(pageset, [*train_ids, "|", *test_ids], 1, random_state)
    cache = cache_dir / f"untouched-{key}.json" if cache_dir is not None else None
    done = _read_cache(cache, key)
    if done:
        return dict(done[0]["predictions"])
    pages = {p.page_id: p for p in load_dev_pages(pageset, train_ids)}
    urls = {i: pageset.url(i) for i in test_ids}
    log.info("untouched slice: %d train, %d test pages", len(train_ids), len(test_ids))
    predictions, _ = _run_fold(pageset, pages, (train_ids, test_ids), urls, random_state)
    if cache is not None:
        _write_cache(cache, key, [{"test_ids": test_ids, "predictions": predictions}])
    return predictions


def crossval_predictions(
    source: PageSet | Path,
    ids: Sequence[str] | None = None,
    n_splits: int = N_SPLITS,
    random_state: int = 0,
    cache_dir: Path | None = None,
) -> tuple[dict[str, str], list[list[str]]]:
    """Main text of every page predicted by the model of the fold that held it out, and the
    test ids of each fold (see ``crossval_folds``)."""
    done = crossval_folds(source, ids, n_splits, random_state, cache_dir)
    return fold_texts(done), [fold["test_ids"] for fold in done]


def fold_texts(folds: list[dict[str, Any]], field: str = "predictions") -> dict[str, str]:
    """Page id -> text over all folds of ``crossval_folds``: ``predictions`` or ``with_site``."""
    return {i: text for fold in folds for i, text in fold[field].items()}


def site_evidence_report(
    texts: dict[str, str], with_site: dict[str, str], truth: dict[str, Any]
) -> dict[str, Any]:
    """What site evidence adds, on the pages of sites with at least ``SITE_REPEAT_MIN_PAGES``
    dev pages (the only ones where a block can repeat often enough to count)."""
    sites: dict[str, list[str]] = defaultdict(list)
    for i in texts:
        sites[site_domain(str(truth[i].get("url") or ""), i)].append(i)
    ids = [i for group in sites.values() if len(group) >= SITE_REPEAT_MIN_PAGES for i in group]
    alone = score_predictions({i: texts[i] for i in ids}, truth)["overall"]
    site = score_predictions({i: with_site.get(i, texts[i]) for i in ids}, truth)["overall"]
    return {
        "sites": sum(len(g) >= SITE_REPEAT_MIN_PAGES for g in sites.values()),
        "pages": len(ids),
        "page_alone": alone,
        "with_site_evidence": site,
    }


def crossval_report(
    source: PageSet | Path,
    n_splits: int = N_SPLITS,
    random_state: int = 0,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Cross-validated quality of the extractor on the tuning part of the collection: the
    summary of ``evaluate.score_predictions`` (overall and by ``page_type``), the fold sizes, and
    what the site-level evidence adds on the sites with several pages."""
    pageset = PageSet.of(source)
    done = crossval_folds(pageset, None, n_splits, random_state, cache_dir)
    texts, with_site = fold_texts(done), fold_texts(done, "with_site")
    truth = pageset.truth
    report = score_predictions(texts, truth)
    del report["page_f1"]
    site = site_evidence_report(texts, with_site, truth)
    return {"folds": [len(f["test_ids"]) for f in done], **report, "site_evidence": site}
