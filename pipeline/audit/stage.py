"""The thin edge of the audit stage: read POSTS/BLOCKS (+ shared paragraphs), audit, write."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from statistics import median
from typing import Any

from pipeline.audit import natural
from pipeline.audit.core import NO_VERIFIERS, audit_post
from pipeline.audit.findings import KEYWORD_STUFFING, finding_ids
from pipeline.audit.promo import Scorer
from pipeline.audit.scoring import audit_score
from pipeline.audit.structure import duplicate_title_and_description
from pipeline.audit.verify import Verifiers
from pipeline.config import Config, DetectorsConfig
from pipeline.io import StageSummary, read_rows, write_table
from pipeline.paths import RunPaths
from pipeline.records import FINDINGS, POST_SCORES, Finding

Row = dict[str, Any]


def run(paths: RunPaths, config: Config) -> StageSummary:
    from pipeline.audit import verify
    from pipeline.audit.filler_model import filler_probabilities
    from pipeline.audit.promo_model import promo_probabilities

    posts = read_rows(paths.extract_posts, "extract")
    blocks = read_rows(paths.extract_blocks, "extract")
    # Required: an audit that quietly skipped the site banners when dedup had not run yet would
    # give the same run different findings depending on stage order.
    shared = read_rows(paths.dedup_paragraphs, "dedup")
    findings, scores, summary = audit_rows(
        paths.run_id,
        posts,
        blocks,
        shared,
        config=config.audit,
        scorer=promo_probabilities,
        filler_scorer=filler_probabilities,
        verifiers=verify.shipped(),
    )
    write_table(paths.audit_findings, findings, FINDINGS)
    write_table(paths.audit_scores, scores, POST_SCORES)
    summary.outputs = [str(paths.audit_findings), str(paths.audit_scores)]
    return summary


def audit_rows(
    run_id: str,
    posts: list[Row],
    blocks: list[Row],
    shared: list[Row],
    *,
    config: DetectorsConfig,
    scorer: Scorer,
    filler_scorer: Scorer | None = None,
    verifiers: Verifiers = NO_VERIFIERS,
) -> tuple[list[Row], list[Row], StageSummary]:
    """FINDINGS rows, POST_SCORES rows and counters for every post (pure)."""
    by_post: dict[str, list[Row]] = defaultdict(list)
    for b in sorted(blocks, key=lambda b: (str(b.get("post_id")), int(b.get("block_index") or 0))):
        by_post[str(b.get("post_id"))].append(b)
    summary = StageSummary(stage="audit", run_id=run_id)
    kinds: Counter[str] = Counter()
    findings: list[Row] = []
    scores: list[Row] = []
    tokens_of: dict[str, list[str]] = {}  # post_id -> words, for the site densities
    # Grouped once: the site densities read a site's posts, not the whole run's, per finding.
    site_posts: dict[Any, list[Row]] = defaultdict(list)
    for p in posts:
        site_posts[p.get("site")].append(p)
    site_dupes = duplicate_title_and_description(
        [p for p in posts if p.get("post_id") and p.get("main_text") is not None]
    )
    for post in sorted(posts, key=lambda p: str(p.get("post_id"))):
        post_id = post.get("post_id")
        if not post_id:
            summary.dropped["missing_post_id"] = summary.dropped.get("missing_post_id", 0) + 1
            continue
        if post.get("main_text") is None:
            summary.dropped["missing_main_text"] = summary.dropped.get("missing_main_text", 0) + 1
            continue
        result = audit_post(
            post,
            by_post.get(post_id, []),
            shared,
            config=config,
            scorer=scorer,
            filler_scorer=filler_scorer,
            site_findings=site_dupes.get(str(post_id), ()),
            verifiers=verifiers,
        )
        found = with_site_density(result.findings, post, site_posts[post.get("site")], tokens_of)
        kinds.update(f.kind for f in found)
        ids = finding_ids(str(post_id), found)
        findings.extend(
            _finding_row(run_id, post, f, fid) for f, fid in zip(found, ids, strict=True)
        )
        scores.append(
            {
                "run_id": run_id,
                "post_id": post_id,
                "audit_score": audit_score(result.findings),
                "n_findings": len(result.findings),
                "boilerplate_share": round(result.boilerplate_share, 4),
            }
        )
    summary.counts = {
        "posts": len(posts),
        "audited": len(scores),
        "findings": len(findings),
        **{f"findings_{kind}": n for kind, n in sorted(kinds.items())},
    }
    return findings, scores, summary


def with_site_density(
    found: list[Finding],
    post: Row,
    posts: list[Row],
    tokens_of: dict[str, list[str]] | None = None,
) -> list[Finding]:
    """Keyword-stuffing findings with the phrase's typical density on the site's other posts
    beside the post's own and the corpus's (issue 17: is this phrase dense for *this* site?).
    ``posts``: the run's posts, or only the post's site's (posts of other sites are skipped).
    ``tokens_of``: post_id -> words, kept across the run so each post is tokenized once."""

    def stuffing(f: Finding) -> bool:
        return f.kind == KEYWORD_STUFFING and bool(f.extra.get("phrase"))

    if not any(stuffing(f) for f in found):
        return found
    cache = {} if tokens_of is None else tokens_of
    tokens = []
    for p in posts:
        if p.get("site") != post.get("site") or p.get("post_id") == post.get("post_id"):
            continue
        key = str(p.get("post_id"))
        if key not in cache:
            cache[key] = natural.tokens(str(p.get("main_text") or ""))
        tokens.append(cache[key])
    out = []
    for f in found:
        if not stuffing(f):
            out.append(f)
            continue
        phrase = f.extra["phrase"]
        n = phrase.count(" ") + 1
        densities = [natural.count(phrase, t) * n / len(t) for t in tokens if t]
        using = sorted(d for d in densities if d > 0)
        typical = median(using) if using else 0.0
        note = (
            f"; on this site's other posts: {len(using)} of {len(densities)} use it, "
            f"median density {typical:.1%}"
            if densities
            else "; the only post of its site"
        )
        extra = {**f.extra, "site_posts_using": str(len(using)), "site_density": f"{typical:.5f}"}
        out.append(replace(f, message=f.message + note, extra=extra))
    return out


def _finding_row(run_id: str, post: Row, f: Any, fid: str) -> Row:
    return {
        "run_id": run_id,
        "finding_id": fid,
        "post_id": post["post_id"],
        "site": post.get("site"),
        "kind": f.kind,
        "severity": f.severity,
        "score": f.score,
        "message": f.message,
        "evidence": f.evidence,
        "start": f.start,
        "end": f.end,
        "fix_hint": f.fix_hint,
        "detector": f.detector,
    }
