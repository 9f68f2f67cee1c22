"""Topics stage: cluster posts into topics, label them, place every post on a 2-D map.

Reads
    ``paths.extract_posts`` (POSTS): post_id, title, main_text. The clustered text is the
    title followed by the main text.
    ``paths.dedup_members`` (DUPLICATE_MEMBERS), if the dedup stage ran: non-canonical members
    of duplicate groups are left out of the fit (ten copies of one post would otherwise pull a
    topic towards themselves) and get their canonical post's topic.

Writes
    ``paths.topics_topics`` (TOPICS): one row per topic with its c-TF-IDF terms, label, size
    and the three posts closest to its centroid.
    ``paths.topics_assignments`` (POST_TOPICS): one row per post: topic (-1 = outlier or no
    usable text), confidence (cosine to the topic centroid), map coordinates x, y (null for
    posts without usable text).

Public entry points
    :func:`cluster_texts` (the evaluated core), :class:`TopicModel` (the estimator behind it),
    :func:`run` (the file edge). Modules: ``vectorize`` (TF-IDF, LSA, stop words), ``cluster``
    (k selection, outliers), ``labels`` (c-TF-IDF, representatives, 2-D map), ``model``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pipeline.config import Config
from pipeline.io import StageSummary, read_rows, write_table
from pipeline.paths import RunPaths
from pipeline.records import POST_TOPICS, TOPICS
from pipeline.topics.model import TopicModel, cluster_texts

__all__ = ["TopicModel", "cluster_texts", "run"]


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Fit topics on the extracted posts (canonical ones) and write topics and assignments."""
    rows_in = read_rows(paths.extract_posts, "extract")
    # Ordered by content, not by post_id (a hash of the URL): KMeans depends on input order, and
    # the same posts served from another host or port must give the same topics.
    posts = sorted(
        (r for r in rows_in if r["post_id"]),
        key=lambda r: (r["text_hash"] or "", r["title"] or "", r["post_id"]),
    )
    texts = {r["post_id"]: f"{r['title'] or ''}\n\n{r['main_text'] or ''}" for r in posts}
    copy_of = _canonical_of(paths)
    fit_ids = [pid for pid in texts if pid not in copy_of]
    settings = config.topics
    model = TopicModel(k=settings.k, max_k=settings.max_k, random_state=settings.random_state)
    model.fit([texts[pid] for pid in fit_ids])
    rows = {
        pid: (int(model.labels_[i]), float(model.confidence_[i]), model.coords_[i])
        for i, pid in enumerate(fit_ids)
    }
    copies = [pid for pid in texts if pid in copy_of]
    labels, confidence, coords = model.predict([texts[pid] for pid in copies])
    for i, pid in enumerate(copies):
        # The canonical's topic, not the nearest one: a copy belongs where its original is.
        topic = rows[copy_of[pid]][0] if copy_of[pid] in rows else int(labels[i])
        rows[pid] = (topic, float(confidence[i]) if topic == labels[i] else 0.0, coords[i])
    assignments = [_assignment(paths.run_id, pid, *rows[pid]) for pid in texts]
    topics = _topic_rows(paths.run_id, model, fit_ids, assignments)
    write_table(paths.topics_topics, topics, TOPICS)
    write_table(paths.topics_assignments, assignments, POST_TOPICS)
    outliers = sum(a["topic_id"] == -1 for a in assignments)
    return StageSummary(
        stage="topics",
        run_id=paths.run_id,
        counts={
            "posts": len(assignments),
            "fitted_posts": len(fit_ids),
            "duplicate_posts": len(copies),
            "k": model.k_,
            "min_topic_size": model.min_topic_size_,
            "topics": len(topics),
            "outliers": outliers,
        },
        dropped={"missing_post_id": len(rows_in) - len(posts)} if len(posts) < len(rows_in) else {},
        outputs=[str(paths.topics_topics), str(paths.topics_assignments)],
    )


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
    run_id: str, post_id: str, topic: int, confidence: float, xy: np.ndarray
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "post_id": post_id,
        "topic_id": topic,
        "confidence": round(confidence, 6),
        # Null, not (0, 0), for posts without usable text: the map must not invent a place.
        "x": float(xy[0]) if np.isfinite(xy[0]) else None,
        "y": float(xy[1]) if np.isfinite(xy[1]) else None,
    }


def _topic_rows(
    run_id: str, model: TopicModel, fit_ids: list[str], assignments: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    sizes: dict[int, int] = {}
    for a in assignments:
        sizes[a["topic_id"]] = sizes.get(a["topic_id"], 0) + 1
    return [
        {
            "run_id": run_id,
            "topic_id": topic,
            "label": ", ".join(terms),
            "terms": terms,
            "size": sizes.get(topic, 0),
            "representative_post_ids": [fit_ids[i] for i in model.representatives_[topic]],
        }
        for topic, terms in sorted(model.terms_.items())
    ]
