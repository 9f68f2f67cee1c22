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
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sklearn
from lxml import etree
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from pipeline.extract.evaluate import score_predictions
from pipeline.extract.extractor import extract_page
from pipeline.extract.model import BlockClassifier
from pipeline.extract.train import DevPage, fit_pages, load_dev_pages, read_dev_html

log = logging.getLogger(__name__)
N_SPLITS = 5
# Second-level labels under which a country code sells registrations ("bbc.co.uk"): the
# registrable domain is then three labels. A short list instead of the Public Suffix List
# (no dependency); a miss only merges or splits a group, it never leaks a page into training.
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "ne", "net", "or", "org"})


def site_domain(url: str, page_id: str = "") -> str:
    """Registrable domain of ``url``: "blog.example.co.uk" -> "example.co.uk". Subdomains share a
    group, being usually one template ("connect.bcbsok.com" and "bcbsok.com"). A page without a
    host is its own group."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        host = ""
    labels = host.removeprefix("www.").split(".")
    if len(labels) < 2 or not all(labels):
        return f"page:{page_id}"
    if all(label.isdigit() for label in labels):
        return host  # an IPv4 address is its own site
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


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


def cache_key(truth_file: Path, ids: Sequence[str], n_splits: int, random_state: int) -> str:
    """Hash of everything a cross-validated prediction depends on."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    digest.update(f"sklearn {sklearn.__version__} lxml {etree.LXML_VERSION}".encode())
    params = BlockClassifier(random_state=random_state).get_params()
    digest.update(json.dumps(params, sort_keys=True, default=str).encode())
    digest.update(truth_file.read_bytes())
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
    dev_dir: Path,
    pages: dict[str, DevPage],
    fold: tuple[list[str], list[str]],
    urls: dict[str, str],
    seed: int,
) -> dict[str, str]:
    train_ids, test_ids = fold
    if set(train_ids) & set(test_ids):
        raise RuntimeError("a test page is in its own training fold")
    model = fit_pages([pages[i] for i in train_ids], random_state=seed)
    # One page's blocks are too few for a thread pool to pay: on two busy cores OpenMP's
    # spinning threads made each page ~10x slower than one thread.
    with threadpool_limits(limits=1):
        return {
            i: extract_page(read_dev_html(dev_dir, i), urls[i] or None, model=model).main_text
            for i in test_ids
        }


def crossval_predictions(
    dev_dir: Path,
    ids: Sequence[str] | None = None,
    n_splits: int = N_SPLITS,
    random_state: int = 0,
    cache_dir: Path | None = None,
) -> tuple[dict[str, str], list[list[str]]]:
    """Main text of every page predicted by the model of the fold that held it out.

    Returns (page id -> text, test ids of each fold). ``ids`` defaults to every page of the
    ground truth; ``cache_dir`` None disables the cache.
    """
    truth_file = dev_dir / "ground-truth.json"
    truth: dict[str, Any] = json.loads(truth_file.read_text(encoding="utf-8"))
    chosen = sorted(ids if ids is not None else truth)
    urls = {i: str(truth[i].get("url") or "") for i in chosen}
    key = cache_key(truth_file, chosen, n_splits, random_state)
    cache = cache_dir / f"crossval-{key}.json" if cache_dir is not None else None
    done = _read_cache(cache, key)
    folds = site_folds(urls, n_splits)
    # Parsed and labelled once for all folds, not per fold: parsing dominates a fold's time.
    todo = len(done) < len(folds)
    pages = {p.page_id: p for p in load_dev_pages(dev_dir, chosen)} if todo else {}
    for number, fold in enumerate(folds):
        if number < len(done):
            continue
        log.info("fold %d/%d: %d train, %d test pages", number + 1, n_splits, *map(len, fold))
        predictions = _run_fold(dev_dir, pages, fold, urls, random_state)
        done.append({"test_ids": fold[1], "predictions": predictions})
        if cache is not None:
            _write_cache(cache, key, done)
    merged = {i: t for fold in done for i, t in fold["predictions"].items()}
    return merged, [fold["test_ids"] for fold in done]


def crossval_report(
    dev_dir: Path,
    n_splits: int = N_SPLITS,
    random_state: int = 0,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Cross-validated quality of the extractor on the whole development set: the summary of
    ``evaluate.score_predictions`` (overall and by ``page_type``) plus the fold sizes."""
    texts, folds = crossval_predictions(dev_dir, None, n_splits, random_state, cache_dir)
    truth = json.loads((dev_dir / "ground-truth.json").read_text(encoding="utf-8"))
    report = score_predictions(texts, truth)
    del report["page_f1"]
    return {"folds": [len(f) for f in folds], **report}
