"""Topics stage: cluster posts into topics, label them, place every post on a 2-D map, keep
topic ids stable across runs and find posts of one site competing for one query.

Reads
    ``paths.extract_posts`` (POSTS): post_id, site, title, main_text. The clustered text is the
    title followed by the main text (boilerplate blocks are already out of ``main_text``).
    ``paths.dedup_members`` (DUPLICATE_MEMBERS): non-canonical members of duplicate groups are
    left out of the fit (ten copies of one post would otherwise pull a topic towards
    themselves) and get their canonical post's topic.
    The previous run's ``topics`` output (the most recently finished other run), if any: its
    topics' term centroids, to keep their ids (``stable``); with ``topics.assign_only``, its
    fitted model.

Writes
    ``paths.topics_topics`` (TOPICS): one row per topic with its c-TF-IDF terms, label, size,
    the three posts closest to its centroid and its similarity to the previous run's topic of
    the same id.
    ``paths.topics_assignments`` (POST_TOPICS): one row per post: topic (-1 = outlier or no
    usable text), confidence (cosine to the topic centroid), map coordinates x, y (null for
    posts without usable text).
    ``paths.topics_cannibalization`` (CANNIBALIZATION): competing pairs, best first.
    ``paths.topics_centroids`` (TOPIC_CENTROIDS), ``paths.topics_model`` (the fitted
    :class:`TopicModel` as plain arrays, no pickle) and ``paths.topics_state`` (ids, next free
    id): what the next run matches against or assigns with.

Modes
    Fit: fit a new model, then match its topics to the previous run's by term-centroid
    similarity; matched topics keep their ids, new ones get ids never used before.
    Assign only (``topics.assign_only``, CLI ``topics --assign-only``): no refit; every post goes
    to the previous model's nearest topic, or -1 under that topic's outlier floor. Topic terms
    stay the previous run's; sizes and representatives are this run's.
    By default a run fits when there is no previous model, when the fit settings (k, max_k,
    random_state) changed, or when at least ``topics.refit_min_changed`` (10 %) of its posts are
    new or edited since the run the previous model was fitted on (``fitted_run_id`` in the
    state); otherwise it assigns. A month with a few edits keeps its topics (and the refit's
    cost, most of the stage at 10,000 posts); the share is counted against the fitted run, not
    the last one, so drift over many quiet months still brings a refit.

Public entry points
    :func:`cluster_texts` (the evaluated core), :class:`TopicModel` (the estimator behind it),
    :func:`run` (the file edge). Modules: ``vectorize`` (TF-IDF, LSA, stop words), ``cluster``
    (k selection, outliers), ``labels`` (c-TF-IDF, representatives, 2-D map), ``model``,
    ``stable`` (ids across runs), ``cannibalization``.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.config import Config
from pipeline.io import (
    MissingInputError,
    StageSummary,
    atomic_write_bytes,
    previous_finished_run,
    read_rows,
    read_table,
    write_table,
)
from pipeline.paths import RunPaths
from pipeline.records import CANNIBALIZATION, POST_TOPICS, TOPIC_CENTROIDS, TOPICS
from pipeline.topics.cannibalization import competing_pairs, pair_inputs
from pipeline.topics.labels import representatives
from pipeline.topics.model import TopicModel, cluster_texts, load_model, save_model
from pipeline.topics.stable import IdAssignment, TermCentroid, assign_ids

__all__ = ["TopicModel", "cluster_texts", "run"]

log = logging.getLogger(__name__)
STATE_FORMAT = 1
POST_COLUMNS = ["post_id", "site", "title", "main_text", "text_hash"]


@dataclass(frozen=True, slots=True)
class _Previous:
    run_id: str
    centroids: dict[int, TermCentroid]  # broad topics
    topic_ids: list[int]  # stable id of each of the previous model's topic indices
    next_id: int
    # Per topic index, the stable ids of its subtopic indices; and their centroids.
    subtopic_ids: list[list[int]]
    sub_centroids: dict[int, TermCentroid]
    fitted_run_id: str  # the run whose posts its model was fitted on
    fit_settings: dict[str, Any] | None  # the settings it was fitted with (None: not recorded)


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Fit (or assign to) topics for the run's posts; write topics, assignments and pairs."""
    # Only the columns used: the posts' other columns (headings, links, metadata) as Python
    # objects were most of the stage's memory at 100,000 posts.
    rows_in = read_table(paths.extract_posts, "extract", columns=POST_COLUMNS).to_pylist()
    # Ordered by content, not by post_id (a hash of the URL): KMeans depends on input order, and
    # the same posts served from another host or port must give the same topics.
    posts = sorted(
        (r for r in rows_in if r["post_id"]),
        key=lambda r: (r["text_hash"] or "", r["title"] or "", r["post_id"]),
    )
    texts = {r["post_id"]: f"{r['title'] or ''}\n\n{r.pop('main_text') or ''}" for r in posts}
    copy_of = _canonical_of(paths)
    fit_ids = [pid for pid in texts if pid not in copy_of]
    settings = config.topics
    previous = _previous(paths)
    changed = _changed_since_fit(paths, previous, posts)
    kept = _kept_model(paths, config, previous, changed, len(posts))
    assign = kept is not None
    if kept is not None:
        model, ids = kept
        sub_ids = _previous_subtopic_ids(previous)
        index_rows, sub_of = _predicted(model, texts, fit_ids)
    else:
        model = TopicModel(k=settings.k, max_k=settings.max_k, random_state=settings.random_state)
        model.fit([texts[pid] for pid in fit_ids])
        ids = assign_ids(
            model.term_centroids_,
            previous.centroids if previous else {},
            previous.next_id if previous else 0,
        )
        sub_ids = _subtopic_ids(model, previous, ids.next_id)
        index_rows = {
            pid: (int(model.labels_[i]), float(model.confidence_[i]), model.coords_[i])
            for i, pid in enumerate(fit_ids)
        }
        sub_of = {pid: int(model.sublabels_[i]) for i, pid in enumerate(fit_ids)}
    _add_copies(model, texts, copy_of, index_rows, sub_of)
    stable = dict(enumerate(ids.ids))
    assignments = [
        _assignment(
            paths.run_id, pid, stable.get(t, -1), c, xy, sub_ids.ids_of.get((t, sub_of[pid]))
        )
        for pid, (t, c, xy) in ((pid, index_rows[pid]) for pid in texts)
    ]
    # In assign-only mode the model is the previous run's, so its terms are that run's terms.
    copies = set(copy_of)
    topics = _topic_rows(paths.run_id, ids, model.terms_, assignments, copies)
    topics += _subtopic_rows(paths.run_id, stable, sub_ids, model.subterms_, assignments, copies)
    pairs = _cannibalization(paths.run_id, model, posts, texts, assignments, copy_of)
    write_table(paths.topics_topics, topics, TOPICS)
    write_table(paths.topics_assignments, assignments, POST_TOPICS)
    write_table(paths.topics_cannibalization, pairs, CANNIBALIZATION)
    fitted = (
        (previous.fitted_run_id, previous.fit_settings)
        if assign and previous
        else (paths.run_id, _fit_settings(config))
    )
    _save_state(paths, model, ids, sub_ids, previous, *fitted)
    outliers = sum(a["topic_id"] == -1 for a in assignments)
    return StageSummary(
        stage="topics",
        run_id=paths.run_id,
        counts={
            "posts": len(assignments),
            "fitted_posts": 0 if assign else len(fit_ids),
            "changed_since_fit": len(posts) if changed is None else changed,
            "duplicate_posts": len(texts) - len(fit_ids),
            "k": model.k_,
            "min_topic_size": model.min_topic_size_,
            "topics": len(ids.ids),
            "subtopics": len(topics) - len(ids.ids),
            "outliers": outliers,
            "kept_ids": len(ids.matched),
            "new_ids": len(ids.ids) - len(ids.matched),
            "cannibalization_pairs": len(pairs),
        },
        dropped={"missing_post_id": len(rows_in) - len(posts)} if len(posts) < len(rows_in) else {},
        outputs=[
            str(p)
            for p in (
                paths.topics_topics,
                paths.topics_assignments,
                paths.topics_cannibalization,
                paths.topics_centroids,
                paths.topics_model,
                paths.topics_state,
            )
        ],
    )


Row = tuple[int, float, np.ndarray]  # model topic index, confidence, map (x, y)


def _predicted(
    model: TopicModel, texts: dict[str, str], ids: list[str]
) -> tuple[dict[str, Row], dict[str, int]]:
    """Both levels for ``ids`` without refitting: (topic, confidence, map) and subtopic index."""
    labels, confidence, coords, subs = model.predict_levels([texts[pid] for pid in ids])
    rows = {pid: (int(labels[i]), float(confidence[i]), coords[i]) for i, pid in enumerate(ids)}
    return rows, {pid: int(subs[i]) for i, pid in enumerate(ids)}


def _add_copies(
    model: TopicModel,
    texts: dict[str, str],
    copy_of: dict[str, str],
    rows: dict[str, Row],
    sub_of: dict[str, int],
) -> None:
    predicted, subs = _predicted(model, texts, [pid for pid in texts if pid in copy_of])
    for pid, (label, confidence, xy) in predicted.items():
        # The canonical's topic, not the nearest one: a copy belongs where its original is.
        original = copy_of[pid]
        topic = rows[original][0] if original in rows else label
        rows[pid] = (topic, confidence if topic == label else 0.0, xy)
        sub_of[pid] = sub_of.get(original, subs[pid])


def _previous(paths: RunPaths) -> _Previous | None:
    """The previous run's topic centroids and ids, or None (first run, or nothing usable)."""
    run_id = previous_finished_run(paths, "topics")
    if run_id is None:
        return None
    prev = RunPaths(paths.data_dir, run_id)
    try:
        state = json.loads(prev.topics_state.read_text())
        rows = read_rows(prev.topics_centroids)
    except (OSError, ValueError, MissingInputError) as exc:
        # A run from before stable ids (or a damaged one): topics get fresh ids, said loudly.
        log.warning("topics: previous run %s has no usable topic state (%s); new ids", run_id, exc)
        return None
    centroids: dict[int, TermCentroid] = {}
    for r in rows:
        centroids.setdefault(int(r["topic_id"]), {})[r["term"]] = float(r["weight"])
    # State of a run from before subtopics has no "subtopic_ids": no subtopics to match.
    subtopic_ids = [[int(i) for i in subs] for subs in state.get("subtopic_ids", [])]
    sub = {i for subs in subtopic_ids for i in subs}
    return _Previous(
        run_id=run_id,
        centroids={t: c for t, c in centroids.items() if t not in sub},
        topic_ids=[int(t) for t in state["topic_ids"]],
        next_id=int(state["next_topic_id"]),
        subtopic_ids=subtopic_ids,
        sub_centroids={t: c for t, c in centroids.items() if t in sub},
        # A state from before this field: its model was fitted on its own run, or assigned
        # with one fitted earlier; the run itself is the nearer bound.
        fitted_run_id=str(state.get("fitted_run_id") or run_id),
        fit_settings=state.get("fit_settings"),
    )


def _fit_settings(config: Config) -> dict[str, Any]:
    """What a fitted model depends on besides the posts: other values call for a refit."""
    t = config.topics
    return {"k": t.k, "max_k": t.max_k, "random_state": t.random_state, "format": STATE_FORMAT}


def _kept_model(
    paths: RunPaths, config: Config, previous: _Previous | None, changed: int | None, n: int
) -> tuple[TopicModel, IdAssignment] | None:
    """The previous model and ids when this run assigns to them (asked to, or few posts
    changed since the fit under the same settings), else None: the run fits."""
    settings = config.topics
    if settings.assign_only:
        return _assign_only_model(paths, previous)
    if (
        previous is None
        or changed is None
        or changed >= settings.refit_min_changed * n
        or previous.fit_settings != _fit_settings(config)
    ):
        return None
    kept = _assign_only_model(paths, previous, strict=False)  # None: unusable, refit
    log.info(
        "topics: %d of %d posts new or edited since the model's fit, under refit_min_changed "
        "(%.0f %%): %s", changed, n, 100 * settings.refit_min_changed,
        "assigning" if kept else "refitting",
    )  # fmt: skip
    return kept


def _changed_since_fit(
    paths: RunPaths, previous: _Previous | None, posts: list[dict[str, Any]]
) -> int | None:
    """How many of ``posts`` are new or edited (by ``text_hash``) since the run the previous
    model was fitted on; None when there is no previous model or that run's posts are gone."""
    if previous is None:
        return None
    try:
        table = read_table(
            RunPaths(paths.data_dir, previous.fitted_run_id).extract_posts,
            columns=["post_id", "text_hash", "title"],
        )
    except (MissingInputError, OSError, ValueError):
        return None
    fitted = set(zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True))
    return sum((p["post_id"], p["text_hash"], p["title"]) not in fitted for p in posts)


def _assign_only_model(
    paths: RunPaths, previous: _Previous | None, strict: bool = True
) -> tuple[TopicModel, IdAssignment] | None:
    """The previous run's model and ids; with ``strict`` (assign_only asked for) a missing or
    unreadable model raises, naming the fix; else None (the run refits)."""
    if previous is None:
        raise MissingInputError(
            "topics.assign_only needs a previous run with topics; run 'content-audit topics' "
            "without --assign-only once first"
        )
    path = RunPaths(paths.data_dir, previous.run_id).topics_model
    try:
        model = load_model(path)
    except (OSError, ValueError, KeyError) as exc:  # missing, not an npz, another format
        if not strict:
            log.warning("topics: previous model %s unusable (%s); refitting", path, exc)
            return None
        raise MissingInputError(
            f"cannot load the topic model {path} ({type(exc).__name__}: {exc}); run "
            "'content-audit topics' without --assign-only to fit a new one"
        ) from exc
    ids = IdAssignment(
        ids=previous.topic_ids,
        similarity=[1.0] * len(previous.topic_ids),
        next_id=previous.next_id,
        matched=dict(enumerate(previous.topic_ids)),
    )
    log.info("topics: assigning to run %s's %d topics", previous.run_id, len(ids.ids))
    return model, ids


def _save_state(
    paths: RunPaths,
    model: TopicModel,
    ids: IdAssignment,
    sub_ids: _SubtopicIds,
    previous: _Previous | None,
    fitted_run_id: str,
    fit_settings: dict[str, Any] | None,
) -> None:
    centroids = [
        {"run_id": paths.run_id, "topic_id": ids.ids[i], "term": term, "weight": weight}
        for i, centroid in enumerate(model.term_centroids_)
        for term, weight in centroid.items()
    ]
    centroids += [
        {"run_id": paths.run_id, "topic_id": sid, "term": term, "weight": weight}
        for (topic, sub), sid in sub_ids.ids_of.items()
        for term, weight in model.sub_term_centroids_[topic][sub].items()
    ]
    write_table(paths.topics_centroids, centroids, TOPIC_CENTROIDS)
    save_model(model, paths.topics_model)
    state = {
        "format": STATE_FORMAT,
        "topic_ids": ids.ids,
        "subtopic_ids": [
            [sub_ids.ids_of[(t, s)] for s in range(len(subs))]
            for t, subs in enumerate(model.sub_term_centroids_)
        ],
        "next_topic_id": max(ids.next_id, sub_ids.next_id),
        "previous_run_id": previous.run_id if previous else None,
        "fitted_run_id": fitted_run_id,
        "fit_settings": fit_settings,
    }
    atomic_write_bytes(paths.topics_state, json.dumps(state, indent=2).encode())


def _canonical_of(paths: RunPaths) -> dict[str, str]:
    """``{non-canonical post_id: canonical post_id}`` from dedup.

    Required, not optional: when topics ran with or without dedup's output depending on which
    finished first (they were parallel in the DAG), the same run gave different topics.
    """
    members = read_rows(paths.dedup_members, "dedup")
    canonical = {m["group_id"]: m["post_id"] for m in members if m["is_canonical"]}
    return {
        m["post_id"]: canonical[m["group_id"]]
        for m in members
        if not m["is_canonical"] and m["group_id"] in canonical
    }


def _assignment(
    run_id: str,
    post_id: str,
    topic: int,
    confidence: float,
    xy: np.ndarray,
    subtopic: int | None = None,
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "post_id": post_id,
        "topic_id": topic,
        "subtopic_id": subtopic,
        "confidence": round(confidence, 6),
        # Null, not (0, 0), for posts without usable text: the map must not invent a place.
        "x": float(xy[0]) if np.isfinite(xy[0]) else None,
        "y": float(xy[1]) if np.isfinite(xy[1]) else None,
    }


def _topic_rows(
    run_id: str,
    ids: IdAssignment,
    terms: dict[int, list[str]],
    assignments: list[dict[str, Any]],
    copies: set[str],
) -> list[dict[str, Any]]:
    """One row per topic; representatives are this run's canonical posts closest to the
    centroid (a duplicate copy ties with its original and must not stand in for it)."""
    post_ids = [a["post_id"] for a in assignments]
    labels = np.array(
        [-1 if a["post_id"] in copies else a["topic_id"] for a in assignments], dtype=np.int64
    )
    sizes = Counter(a["topic_id"] for a in assignments)
    confidence = np.array([a["confidence"] for a in assignments], dtype=np.float64)
    rows = []
    for index, topic_id in sorted(enumerate(ids.ids), key=lambda it: it[1]):
        rows.append(
            {
                "run_id": run_id,
                "topic_id": topic_id,
                "label": ", ".join(terms.get(index, [])),
                "terms": terms.get(index, []),
                "size": sizes[topic_id],
                "representative_post_ids": [
                    post_ids[i] for i in representatives(confidence, labels, topic_id)
                ],
                "previous_similarity": ids.similarity[index],
                "parent_id": None,
            }
        )
    return rows


@dataclass(frozen=True, slots=True)
class _SubtopicIds:
    """Stable ids of the model's subtopics: ``ids_of[(topic index, subtopic index)]``."""

    ids_of: dict[tuple[int, int], int]
    similarity: dict[tuple[int, int], float | None]
    next_id: int


def _subtopic_ids(model: TopicModel, previous: _Previous | None, next_id: int) -> _SubtopicIds:
    """Subtopics matched to the previous run's subtopics as topics are (``stable``), in one id
    space with the topics: a subtopic id is never a topic id, nor one used before."""
    keys = [
        (topic, sub)
        for topic, centroids in enumerate(model.sub_term_centroids_)
        for sub in range(len(centroids))
    ]
    found = assign_ids(
        [model.sub_term_centroids_[t][s] for t, s in keys],
        previous.sub_centroids if previous else {},
        next_id,
    )
    return _SubtopicIds(
        ids_of=dict(zip(keys, found.ids, strict=True)),
        similarity=dict(zip(keys, found.similarity, strict=True)),
        next_id=found.next_id,
    )


def _previous_subtopic_ids(previous: _Previous | None) -> _SubtopicIds:
    """Assign-only mode: the previous run's subtopic ids, unchanged."""
    assert previous is not None  # _assign_only_model raised already
    ids_of = {
        (topic, sub): sid
        for topic, subs in enumerate(previous.subtopic_ids)
        for sub, sid in enumerate(subs)
    }
    return _SubtopicIds(ids_of, dict.fromkeys(ids_of, 1.0), previous.next_id)


def _subtopic_rows(
    run_id: str,
    topic_ids: dict[int, int],
    sub_ids: _SubtopicIds,
    terms: dict[int, dict[int, list[str]]],
    assignments: list[dict[str, Any]],
    copies: set[str],
) -> list[dict[str, Any]]:
    """One row per subtopic, ``parent_id`` its topic. Representatives are its canonical posts
    closest to the parent topic's centroid (the confidence every post row carries)."""
    post_ids = [a["post_id"] for a in assignments]
    labels = np.array(
        [-1 if a["post_id"] in copies or a["subtopic_id"] is None else a["subtopic_id"]
         for a in assignments],
        dtype=np.int64,
    )  # fmt: skip
    sizes = Counter(a["subtopic_id"] for a in assignments)
    confidence = np.array([a["confidence"] for a in assignments], dtype=np.float64)
    rows = []
    for (topic, sub), sid in sorted(sub_ids.ids_of.items(), key=lambda it: it[1]):
        words = terms.get(topic, {}).get(sub, [])
        rows.append(
            {
                "run_id": run_id,
                "topic_id": sid,
                "label": ", ".join(words),
                "terms": words,
                "size": sizes[sid],
                "representative_post_ids": [
                    post_ids[i] for i in representatives(confidence, labels, sid)
                ],
                "previous_similarity": sub_ids.similarity[(topic, sub)],
                "parent_id": topic_ids[topic],
            }
        )
    return rows


def _cannibalization(
    run_id: str,
    model: TopicModel,
    posts: list[dict[str, Any]],
    texts: dict[str, str],
    assignments: list[dict[str, Any]],
    copy_of: dict[str, str],
) -> list[dict[str, Any]]:
    """Competing pairs among canonical posts (copies are dedup's finding, not this one)."""
    if model.vectorizer_ is None:
        return []
    topic_of = {a["post_id"]: a["topic_id"] for a in assignments}
    candidates = [r for r in posts if r["post_id"] not in copy_of]
    inputs = pair_inputs(
        model,
        [r["title"] or "" for r in candidates],
        [texts[r["post_id"]] for r in candidates],
    )
    pairs = competing_pairs(inputs, [(r["site"] or "", topic_of[r["post_id"]]) for r in candidates])
    out = []
    for p in pairs:
        a, b = candidates[p.a], candidates[p.b]
        first, second = sorted((a["post_id"], b["post_id"]))
        out.append(
            {
                "run_id": run_id,
                "site": a["site"],
                "topic_id": topic_of[a["post_id"]],
                "post_id_a": first,
                "post_id_b": second,
                "text_similarity": round(p.text_similarity, 6),
                "title_overlap": round(p.title_overlap, 6),
                "score": round(p.score, 6),
                "shared_terms": list(p.shared_terms),
            }
        )
    return out
