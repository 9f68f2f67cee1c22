"""The thin edge of the audit stage: read POSTS/BLOCKS (+ shared paragraphs), audit, write.

The run is audited a site at a time and, within a site, in chunks of ``CHUNK_POSTS`` posts:
a chunk is one unit of work for the process pool (``pipeline.parallel``; ``--workers``),
its sentences scored by each model in one call rather than one call per post (a scikit-learn
call costs ~8 ms before its first row; per post that was a third of the stage). The parent
reads one site's posts and blocks at a time (Parquet row-group filters: extract writes the
sites in order), keeps what needs the whole site (duplicate titles, the keyword densities of
the site's other posts) and streams the findings to Parquet, so memory follows the largest
site, not the run. Rows are the same for any worker count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from statistics import median
from typing import Any

from pipeline import parallel
from pipeline.audit import cache, modelcache, natural
from pipeline.audit.blocks import SHARED_MIN_POSTS
from pipeline.audit.core import NO_VERIFIERS, audit_post
from pipeline.audit.findings import KEYWORD_STUFFING, finding_ids
from pipeline.audit.promo import MIN_WORDS, Scorer
from pipeline.audit.scoring import audit_score
from pipeline.audit.structure import duplicate_title_and_description
from pipeline.audit.text import sentences, word_count
from pipeline.audit.verify import Verifiers
from pipeline.config import Config, DetectorsConfig
from pipeline.io import StageSummary, TableWriter, input_dataset, site_filter
from pipeline.paths import RunPaths
from pipeline.records import FINDINGS, POST_SCORES, Finding

Row = dict[str, Any]
# Posts per unit of work: large enough that one model call per chunk amortizes its fixed cost
# (measured: 200 posts in one call took half the time of 200 calls), small enough that a
# site's chunks spread over the workers and a chunk's rows stay a few MB.
CHUNK_POSTS = 64
# Below this many posts the audit runs in this process: two workers loading the models
# (~8 s each) cost more than they save.
POOL_MIN_POSTS = 4 * CHUNK_POSTS


@dataclass(frozen=True, slots=True)
class Models:
    """The sentence scorers and verifiers a chunk is audited with."""

    scorer: Scorer
    filler_scorer: Scorer | None = None
    verifiers: Verifiers = NO_VERIFIERS


@dataclass(slots=True)
class Chunk:
    """One unit of work: posts of one site with everything their audit reads.
    ``models`` None: the packaged models, loaded once in the process that audits the chunk
    (a pool worker), never pickled with every chunk."""

    site: Any
    posts: list[Row]
    blocks: dict[str, list[Row]]
    shared: dict[str, list[Row]]
    site_findings: dict[str, list[Finding]]
    config: DetectorsConfig
    models: Models | None = None
    cached: dict[str, bytes] = field(default_factory=dict)  # post_id -> its text findings
    model_cache: Path | None = None  # where packaged models are kept once loaded (``modelcache``)


@dataclass(slots=True)
class Audited:
    post: Row
    findings: list[Finding]
    boilerplate_share: float
    text_findings: bytes  # packed (``cache.pack``), for this run's cache


@dataclass(slots=True)
class ChunkResult:
    site: Any
    audited: list[Audited] = field(default_factory=list)


class BatchScorer:
    """A scorer answering from one batched call: ``prime`` scores every new text at once;
    a call then reads the answers (texts it was not primed with are scored on the spot)."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.cache: dict[str, float] = {}

    def prime(self, texts: Iterable[str]) -> None:
        new = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if new:
            self.cache.update(zip(new, self.scorer(new), strict=True))

    def __call__(self, texts: Sequence[str]) -> list[float]:
        self.prime(texts)
        return [self.cache[t] for t in texts]


def shipped_models(model_cache: Path | None = None) -> Models:
    """The packaged models (``model_cache``: where they are kept once loaded, ``modelcache``)."""
    from pipeline.audit import filler_model, promo_model, verify

    promo = promo_model.load_model(promo_model.MODEL_PATH, "train-promo", model_cache)
    filler = promo_model.load_model(filler_model.MODEL_PATH, "train-filler", model_cache)
    return Models(
        partial(promo_model.positive_probabilities, promo),
        partial(promo_model.positive_probabilities, filler),
        verify.shipped(verify.MODELS, model_cache),
    )


def _no_model(texts: Sequence[str]) -> list[float]:
    raise AssertionError("a post with cached text findings was scored again")


def audit_chunk(chunk: Chunk) -> ChunkResult:
    """Every post of the chunk through ``audit_post`` (pure but for the models it loads)."""
    fresh = [p for p in chunk.posts if str(p["post_id"]) not in chunk.cached]
    # A chunk of cached posts needs no model: loading the packaged ones takes ~8 s.
    models = chunk.models or (shipped_models(chunk.model_cache) if fresh else Models(_no_model))
    texts = [str(p.get("main_text") or "") for p in fresh]
    spans = [s.text for t in texts for s in sentences(t)]
    promo = BatchScorer(models.scorer)
    promo.prime(s for s in spans if word_count(s) >= MIN_WORDS)
    filler = None
    if models.filler_scorer is not None:
        filler = BatchScorer(models.filler_scorer)
        filler.prime(spans)
    out = ChunkResult(chunk.site)
    for post in chunk.posts:
        post_id = str(post["post_id"])
        blob = chunk.cached.get(post_id)
        result = audit_post(
            post,
            chunk.blocks.get(post_id, []),
            chunk.shared.get(post_id, []),
            config=chunk.config,
            scorer=promo,
            filler_scorer=filler,
            site_findings=chunk.site_findings.get(post_id, ()),
            verifiers=models.verifiers,
            text_found=cache.unpack(blob) if blob is not None else None,
        )
        packed = blob if blob is not None else cache.pack(result.text_findings)
        out.audited.append(Audited(post, result.findings, result.boilerplate_share, packed))
    return out


def run(paths: RunPaths, config: Config) -> StageSummary:
    posts = input_dataset(paths.extract_posts, "extract")
    blocks = input_dataset(paths.extract_blocks, "extract")
    # Required: an audit that quietly skipped the site banners when dedup had not run yet would
    # give the same run different findings depending on stage order.
    shared = shared_index(_banner_candidates(paths))
    n_posts = posts.count_rows()
    n_chunks = -(-n_posts // CHUNK_POSTS)  # a lower bound: each site's last chunk may be short
    workers = parallel.workers_for(n_posts >= POOL_MIN_POSTS, n_chunks)
    # models None: the packaged ones, loaded where a chunk needs them (a pool worker, or this
    # process with one worker), and not at all when every post's text findings are cached.
    auditor = Auditor(
        paths.run_id,
        config.audit,
        shared,
        None,
        cache.previous_cache(paths),
        modelcache.cache_dir(paths.data_dir),
    )
    with (
        TableWriter(paths.audit_findings, FINDINGS) as findings,
        TableWriter(paths.audit_scores, POST_SCORES) as scores,
        TableWriter(cache.cache_file(paths), cache.SCHEMA) as kept,
    ):
        chunks = auditor.chunks(_sites(posts, blocks))
        for result in parallel.ordered_map(audit_chunk, chunks, workers):
            found, scored = auditor.collect(result)
            findings.write(found)
            scores.write(scored)
            kept.write(auditor.kept(result))
    summary = auditor.summary()
    summary.counts["workers"] = workers
    summary.outputs = [str(paths.audit_findings), str(paths.audit_scores)]
    return summary


def _sites(posts: Any, blocks: Any) -> Iterator[tuple[Any, list[Row], list[Row]]]:
    """(site, its posts, its blocks), one site read at a time."""

    names = set(posts.to_table(columns=["site"]).column("site").to_pylist())
    for site in sorted(names, key=lambda s: (s is None, str(s))):
        where = site_filter(site)
        yield (
            site,
            posts.to_table(filter=where).to_pylist(),
            blocks.to_table(filter=where, columns=BLOCK_COLUMNS).to_pylist(),
        )


# The BLOCKS columns the block rules read (``blocks``, ``block_groups``): a site's blocks are
# the largest thing the parent holds, ~120 a post.
BLOCK_COLUMNS = [
    "post_id", "site", "block_index", "tag_path", "text", "word_count", "position", "is_main",
    "category",
]  # fmt: skip


def _banner_candidates(paths: RunPaths) -> list[Row]:
    """The shared paragraphs ``shared_index`` keeps, filtered in Arrow: a run's cross-site
    paragraphs (syndication, quotes) are most of the file and never a site banner."""
    import pyarrow.compute as pc

    where = (pc.field("scope") == "within_site") & (pc.field("n_posts") >= SHARED_MIN_POSTS)
    rows: list[Row] = (
        input_dataset(paths.dedup_paragraphs, "dedup").to_table(filter=where).to_pylist()
    )
    return rows


def shared_index(shared: Iterable[Row]) -> dict[str, list[Row]]:
    """post_id -> the within-site paragraphs it shares with enough posts to be a banner: each
    post looks up its own instead of scanning every shared paragraph of the run."""
    out: dict[str, list[Row]] = defaultdict(list)
    for row in shared:
        if row.get("scope") == "within_site" and int(row.get("n_posts") or 0) >= SHARED_MIN_POSTS:
            for post_id in row.get("post_ids") or ():
                out[str(post_id)].append(row)
    return out


class Auditor:
    """Sites in, chunks out (``chunks``); chunk results in, FINDINGS and POST_SCORES rows out
    (``collect``), with what needs the whole site added on this side."""

    def __init__(
        self,
        run_id: str,
        config: DetectorsConfig,
        shared: dict[str, list[Row]],
        models: Models | None,
        previous: Path | None = None,
        model_cache: Path | None = None,
    ) -> None:
        self.run_id, self.config, self.shared, self.models = run_id, config, shared, models
        self.previous = previous  # the previous run's text findings (``cache``)
        self.model_cache = model_cache  # where the packaged models are kept (``modelcache``)
        self.keys: dict[str, str] = {}  # post_id -> ``cache.post_key``, while in flight
        # site -> [its posts, chunks not yet collected, post_id -> words]: kept only while
        # the site's chunks are in flight, for the site densities (``with_site_density``).
        self.open: dict[Any, list[Any]] = {}
        self.kinds: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()

    def chunks(self, sites: Iterable[tuple[Any, list[Row], list[Row]]]) -> Iterator[Chunk]:
        for site, posts, blocks in sites:
            self.counts["posts"] += len(posts)
            valid = []
            for p in posts:
                if not p.get("post_id"):
                    self.dropped["missing_post_id"] += 1
                elif p.get("main_text") is None:
                    self.dropped["missing_main_text"] += 1
                else:
                    valid.append(p)
            if not valid:
                continue
            valid.sort(key=lambda p: str(p["post_id"]))
            by_post: dict[str, list[Row]] = defaultdict(list)
            for b in sorted(
                blocks, key=lambda b: (str(b.get("post_id")), b.get("block_index") or 0)
            ):
                by_post[str(b.get("post_id"))].append(b)
            dupes = duplicate_title_and_description(valid)
            before = cache.load_site(self.previous, site)
            cached: dict[str, bytes] = {}
            for p in valid:
                key = self.keys[str(p["post_id"])] = cache.post_key(p, self.config)
                if key in before:
                    cached[str(p["post_id"])] = before[key]
            self.counts["posts_cached"] += len(cached)
            starts = range(0, len(valid), CHUNK_POSTS)
            self.open[site] = [valid, len(starts), {}]
            for i in starts:
                part = valid[i : i + CHUNK_POSTS]
                ids = [str(p["post_id"]) for p in part]
                yield Chunk(
                    site,
                    part,
                    {k: by_post[k] for k in ids if k in by_post},
                    {k: self.shared[k] for k in ids if k in self.shared},
                    {k: dupes[k] for k in ids if k in dupes},
                    self.config,
                    self.models,
                    {k: cached[k] for k in ids if k in cached},
                    self.model_cache,
                )

    def collect(self, result: ChunkResult) -> tuple[list[Row], list[Row]]:
        site_posts, remaining, tokens_of = self.open[result.site]
        findings: list[Row] = []
        scores: list[Row] = []
        for a in result.audited:
            post_id = str(a.post["post_id"])
            found = with_site_density(a.findings, a.post, site_posts, tokens_of)
            self.kinds.update(f.kind for f in found)
            ids = finding_ids(post_id, found)
            findings.extend(
                _finding_row(self.run_id, a.post, f, fid) for f, fid in zip(found, ids, strict=True)
            )
            scores.append(
                {
                    "run_id": self.run_id,
                    "post_id": a.post["post_id"],
                    "audit_score": audit_score(a.findings),
                    "n_findings": len(a.findings),
                    "boilerplate_share": round(a.boilerplate_share, 4),
                }
            )
        self.counts["audited"] += len(scores)
        self.counts["findings"] += len(findings)
        if remaining == 1:
            del self.open[result.site]
        else:
            self.open[result.site][1] = remaining - 1
        return findings, scores

    def kept(self, result: ChunkResult) -> list[Row]:
        """This run's cache rows for the chunk's posts (``cache``)."""
        return [
            {
                "site": result.site,
                "key": self.keys.pop(str(a.post["post_id"])),
                "findings": a.text_findings,
            }
            for a in result.audited
        ]

    def summary(self) -> StageSummary:
        return StageSummary(
            stage="audit",
            run_id=self.run_id,
            counts={
                "posts": self.counts["posts"],
                "audited": self.counts["audited"],
                "findings": self.counts["findings"],
                "posts_cached": self.counts["posts_cached"],
                **{f"findings_{kind}": n for kind, n in sorted(self.kinds.items())},
            },
            dropped=dict(sorted(self.dropped.items())),
        )


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
    """FINDINGS rows, POST_SCORES rows and counters for every post (pure): the stage's work on
    rows in memory, in this process."""
    auditor = Auditor(
        run_id, config, shared_index(shared), Models(scorer, filler_scorer, verifiers)
    )
    by_site: dict[Any, tuple[list[Row], list[Row]]] = defaultdict(lambda: ([], []))
    for p in posts:
        by_site[p.get("site")][0].append(p)
    for b in blocks:
        by_site[b.get("site")][1].append(b)
    sites = sorted(by_site, key=lambda s: (s is None, str(s)))
    findings: list[Row] = []
    scores: list[Row] = []
    for result in map(audit_chunk, auditor.chunks((s, *by_site[s]) for s in sites)):
        found, scored = auditor.collect(result)
        findings.extend(found)
        scores.extend(scored)
    return findings, scores, auditor.summary()


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
