"""Real-web corpus: blogs made of the real pages of the shared extraction sets, served locally.

The demo blogs are text we wrote; this corpus is pages we did not write (``extraction-dev`` and
``extraction-more``, each ``html/<id>.html.gz`` plus ``ground-truth.json``). Each page is served
as it was fetched, with only its links changed: a link to a page of the same original host that
the blog holds points at that page's local path; the first unknown one of each page keeps its
path on the local site, where it 404s (a real broken link); the others stay absolute on the
original host, out of the crawl's scope. Around them each blog gets paginated listings, a
sitemap, an RSS feed and a robots.txt with a disallowed page that is linked from the home page.
``health-b`` carries exact and lightly edited copies of ``health-a`` articles, and ``health-a``
a truncated page, an empty 200 body, a 500 and a link to a deleted post.

Reads: the shared data directory given to ``build_realweb`` (never at import or run time of the
pipeline). Writes: ``out_dir/<site>/`` (served by ``serve_sites``) and ``out_dir/manifest.json``,
the ground truth: every page's local path, original id, page type, status and copy relations.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import escape

import yaml

from pipeline.config import Config, CrawlConfig, SiteConfig
from pipeline.demo import DEMO_USER_AGENT
from pipeline.demo.content import placeholder_origin
from pipeline.demo.server import ServedSite
from pipeline.io import atomic_write_bytes

SETS = ("extraction-dev", "extraction-more")
BLOGS = ("health-a", "health-b", "mixed-news", "misc")
PER_LISTING = 20
# Exact copies on health-b of health-a articles, and as many edited ones: one article in 6, at
# least 3 (the test's small corpus), 7 each on the full sets.
COPIES_MIN, COPIES_SHARE = 3, 6
NON_POSTS = ("product", "service", "forum", "listing")  # one of each in every blog but misc
HEALTH = re.compile(
    r"health|wellness|fitness|nutrition|mental|diet|sleep|yoga|medic|therap|anxiety|stress|"
    r"exercise|workout|meditat|vitamin|protein|mindful|calori|doctor|disease|symptom",
    re.IGNORECASE,
)
_HREF_TAG = re.compile(r"<(a|link|area)\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""(\shref\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
_BASE = re.compile(r"""<base\b[^>]*\shref\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SERVER_ERROR = b"<!doctype html><title>500 Internal Server Error</title><h1>Server error</h1>\n"


@dataclass(frozen=True, slots=True)
class SourcePage:
    original_id: str  # "<set>/<id>", e.g. "extraction-dev/0001"
    url: str
    page_type: str
    title: str
    article_body: str
    html_path: Path
    health: bool


@dataclass(frozen=True, slots=True)
class CorpusPage:
    """One local URL of the corpus and what a correct pipeline should make of it."""

    site: str
    path: str
    kind: str  # original | exact_copy | edited_copy | truncated | empty | server_error | ...
    status: int  # the HTTP status the server answers with
    original_id: str | None = None
    page_type: str | None = None  # ground-truth page type of the original page
    copy_of: str | None = None  # "<site><path>" of the original, for copies


def load_sources(data_dir: Path) -> list[SourcePage]:
    """Every page of the shared sets, in id order."""
    out = []
    for name in SETS:
        truth = json.loads((data_dir / name / "ground-truth.json").read_text(encoding="utf-8"))
        for pid in sorted(truth):
            gt = truth[pid]
            keys = f"{gt.get('tags') or ''} {gt.get('title') or ''} {gt['url']}"
            out.append(
                SourcePage(
                    f"{name}/{pid}",
                    gt["url"],
                    gt["page_type"],
                    gt.get("title") or pid,
                    gt.get("articleBody") or "",
                    data_dir / name / "html" / f"{pid}.html.gz",
                    gt["page_type"] == "article" and bool(HEALTH.search(keys)),
                )
            )
    return out


def plan_blogs(
    sources: list[SourcePage], *, seed: int, blogs: tuple[str, ...], per_blog: int | None
) -> dict[str, list[SourcePage]]:
    """Pages per blog: health articles on the health blogs, the other articles on the others,
    one page of each ``NON_POSTS`` type everywhere, every remaining non-article on ``misc``."""
    rng = random.Random(seed)
    health = [p for p in sources if p.health]
    other = [p for p in sources if p.page_type == "article" and not p.health]
    rest = [p for p in sources if p.page_type != "article"]
    for pool in (health, other, rest):
        rng.shuffle(pool)
    pools = {"health-a": health[0::2], "health-b": health[1::2]}
    pools |= {"mixed-news": other[0::2], "misc": other[1::2]}
    plan: dict[str, list[SourcePage]] = {}
    for blog in blogs:
        chosen = pools[blog][:per_blog]
        for page_type in NON_POSTS:
            picked = next((p for p in rest if p.page_type == page_type), None)
            if picked is not None:
                chosen.append(picked)
                rest.remove(picked)
        plan[blog] = chosen
    if "misc" in plan and per_blog is None:
        plan["misc"] += rest
    return plan


# Paths the blog's own chrome uses; a real page whose path is one of them moves aside.
_RESERVED = (
    "/", "/private/", "/robots.txt/", "/sitemap.xml/", "/feed.xml/",
    "/posts/empty-page/", "/posts/server-error/", "/posts/deleted-post/",
)  # fmt: skip


def local_paths(sources: list[SourcePage]) -> dict[str, str]:
    """original id -> the page's path on the local blog: its real path (as the page was served:
    ``/products/x``, ``/2024/05/slug``, ``/forum/thread/12``), segments made file-safe, with a
    suffix where two pages of one blog share a path. Keeping the real path keeps the URL
    evidence extraction reads (``/blog/``, ``/product/``, dates) true to the page."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for page in sources:
        segments = [
            re.sub(r"[^a-z0-9._-]+", "-", seg.lower()).strip("-.")[:60] or "x"
            for seg in urlsplit(page.url).path.split("/")
            if seg
        ]
        base = "/" + "/".join(segments) + "/" if segments else "/home/"
        if base in _RESERVED or base.startswith("/page/"):  # the blog's own listings live there
            base = "/site" + base
        path, n = base, 1
        while path in taken:
            n += 1
            path = f"{base.rstrip('/')}-{n}/"
        taken.add(path)
        out[page.original_id] = path
    return out


def _key(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}"


def rewrite_links(text: str, page_url: str, site: str, local: dict[str, str]) -> str:
    """``text`` with same-host links pointed at the blog (``local``: ``_key`` → local path)."""
    base = urljoin(page_url, html.unescape(m.group(1))) if (m := _BASE.search(text)) else page_url
    host = (urlsplit(page_url).hostname or "").removeprefix("www.")
    origin = placeholder_origin(site)
    broken_left = 1  # one real 404 per page; more would make the crawl mostly 404s

    def href(match: re.Match[str], tag: str) -> str:
        nonlocal broken_left
        raw = match.group(2).strip("\"'")
        if raw.startswith("#") or not raw.strip():
            return match.group(0)
        target = urljoin(base, html.unescape(raw).strip()).split("#", 1)[0]
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            return match.group(0)
        if (parts.hostname or "").removeprefix("www.") != host:
            return match.group(0)
        if (path := local.get(_key(target))) is not None:
            new = origin + path
        elif parts.path in ("", "/"):
            new = origin + "/"  # the original home page: the blog's home
        elif tag == "a" and broken_left > 0:
            broken_left -= 1
            new = origin + (parts.path or "/")
        elif raw.startswith("//") or urlsplit(raw).scheme:
            return match.group(0)  # already off the local site
        else:
            new = target
        return f'{match.group(1)}"{html.escape(new)}"'

    def tag(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        return _HREF.sub(lambda m: href(m, name), match.group(0))

    return _HREF_TAG.sub(tag, text)


def edit_copy(text: str, article_body: str, rng: random.Random) -> str | None:
    """``text`` with one sentence of its main content removed and one reworded; None when the
    ground-truth body has fewer than two sentences found verbatim (and once) in the markup."""
    sentences = [
        s.strip()
        for para in article_body.split("\n")
        for s in _SENTENCE.split(para)
        if 60 <= len(s.strip()) <= 400
    ]
    found = [s for s in sentences if "<" not in s and "&" not in s and text.count(s) == 1]
    if len(found) < 2:
        return None
    removed, reworded = rng.sample(found, 2)
    text = text.replace(removed, "", 1)
    return text.replace(reworded, "In our experience, " + reworded[0].lower() + reworded[1:], 1)


def _html(page: SourcePage) -> str:
    return gzip.decompress(page.html_path.read_bytes()).decode("utf-8", "surrogateescape")


def _write(root: Path, path: str, data: str | bytes, name: str = "index.html") -> None:
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape")
    target = root.joinpath(*[p for p in path.split("/") if p], name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(raw)


def _blog_pages(
    blog: str,
    sources: list[SourcePage],
    root: Path,
    copies: list[tuple[CorpusPage, SourcePage]],
    per_kind: int,
) -> list[CorpusPage]:
    """Write a blog's real pages and its copies of other blogs' pages; return what was written.
    ``per_kind`` edited copies first, then exact ones; a copy links to itself where the original
    did."""
    paths = local_paths(sources)
    local = {_key(p.url): paths[p.original_id] for p in sources}
    pages = []
    for src in sources:
        path = paths[src.original_id]
        _write(root, path, rewrite_links(_html(src), src.url, blog, local))
        pages.append(CorpusPage(blog, path, "original", 200, src.original_id, src.page_type))
    rng, made = random.Random(blog), {"exact_copy": 0, "edited_copy": 0}
    for orig, src in copies:
        kind, path, text = "exact_copy", "/syndicated" + orig.path, _html(src)
        if made["edited_copy"] < per_kind and (edited := edit_copy(text, src.article_body, rng)):
            kind, path, text = "edited_copy", orig.path.rstrip("/") + "-revised/", edited
        if made[kind] == per_kind:
            continue
        made[kind] += 1
        _write(root, path, rewrite_links(text, src.url, blog, local | {_key(src.url): path}))
        pages.append(
            CorpusPage(blog, path, kind, 200, src.original_id, src.page_type, orig.site + orig.path)
        )
    return pages


def _broken_pages(blog: str, root: Path, truncate: SourcePage) -> list[CorpusPage]:
    """A page cut at a third of its bytes, an empty 200, a 500 and a post that is gone (404)."""
    text = _html(truncate)
    path = "/truncated" + local_paths([truncate])[truncate.original_id]
    _write(root, path, rewrite_links(text, truncate.url, blog, {})[: len(text) // 3])
    _write(root, "/posts/empty-page/", b"")
    _write(root, "/posts/server-error/", _SERVER_ERROR, "index.500.html")
    return [
        CorpusPage(blog, path, "truncated", 200, truncate.original_id, truncate.page_type),
        CorpusPage(blog, "/posts/empty-page/", "empty", 200),
        CorpusPage(blog, "/posts/server-error/", "server_error", 500),
        CorpusPage(blog, "/posts/deleted-post/", "missing", 404),
    ]


def _listing(blog: str, entries: list[tuple[str, str]], page: int, pages: int) -> str:
    items = "".join(f'<li><a href="{p}">{html.escape(t)}</a></li>\n' for p, t in entries)
    # Every listing links every other: the whole blog stays within two clicks of the home page.
    nav = " ".join(
        f'<a href="{"/" if n == 1 else f"/page/{n}/"}">{n}</a>'
        for n in range(1, pages + 1)
        if n != page
    )
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{blog} – page {page}"
        f"</title></head><body><header><a href=/>{blog}</a> <a href=/private/>Members</a>"
        f"</header><main><h1>{blog}: all pages</h1><ul>\n{items}</ul><nav>{nav}</nav></main>"
        "</body></html>\n"
    )


def _chrome(blog: str, root: Path, entries: list[tuple[str, str]]) -> None:
    """Listings, sitemap, feed, robots.txt and the disallowed members page."""
    origin = placeholder_origin(blog)
    chunks = [entries[i : i + PER_LISTING] for i in range(0, len(entries), PER_LISTING)] or [[]]
    for n, chunk in enumerate(chunks, 1):
        _write(root, "/" if n == 1 else f"/page/{n}/", _listing(blog, chunk, n, len(chunks)))
    locs = "".join(f"<url><loc>{escape(origin + p)}</loc></url>\n" for p, _ in entries)
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(origin + p)}</link></item>\n"
        for p, t in entries[:PER_LISTING]
    )
    xmlns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    sitemap = f'<?xml version="1.0"?>\n<urlset xmlns="{xmlns}">\n{locs}</urlset>\n'
    channel = f"<title>{blog}</title><link>{origin}/</link>\n{items}"
    feed = f'<?xml version="1.0"?>\n<rss version="2.0"><channel>{channel}</channel></rss>\n'
    _write(root, "/", sitemap, "sitemap.xml")
    _write(root, "/", feed, "feed.xml")
    robots = f"User-agent: *\nDisallow: /private/\n\nSitemap: {origin}/sitemap.xml\n"
    _write(root, "/", robots, "robots.txt")
    _write(root, "/private/", "<!doctype html><title>Members</title><p>Members only.</p>\n")


def build_realweb(
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int = 0,
    blogs: tuple[str, ...] = BLOGS,
    per_blog: int | None = None,
) -> list[CorpusPage]:
    """Write the blogs under ``out_dir/<blog>/`` and ``out_dir/manifest.json``; same bytes for
    the same arguments. ``per_blog`` caps the articles per blog (None: every page of the sets).
    """
    sources = load_sources(data_dir)
    plan = plan_blogs(sources, seed=seed, blogs=blogs, per_blog=per_blog)
    unused = sorted(
        {p.original_id for p in sources} - {p.original_id for v in plan.values() for p in v}
    )
    by_id = {p.original_id: p for p in sources}
    spare = [by_id[i] for i in unused if by_id[i].page_type == "article"] or plan[blogs[0]]
    corpus: list[CorpusPage] = []
    for blog in blogs:
        root = out_dir / blog
        copies = []
        if blog == "health-b":
            originals = [p for p in corpus if p.site == "health-a" and p.page_type == "article"]
            copies = [(p, by_id[p.original_id or ""]) for p in originals]
        per_kind = max(COPIES_MIN, len(copies) // COPIES_SHARE)
        pages = _blog_pages(blog, plan[blog], root, copies, per_kind)
        if blog == blogs[0]:
            pages += _broken_pages(blog, root, spare[0])
        titles = {p.original_id: by_id[p.original_id].title for p in pages if p.original_id}
        _chrome(blog, root, [(p.path, titles.get(p.original_id or "", p.kind)) for p in pages])
        corpus += [*pages, CorpusPage(blog, "/private/", "disallowed", 200)]
    body = {"seed": seed, "pages": [asdict(p) for p in corpus]}
    atomic_write_bytes(out_dir / "manifest.json", json.dumps(body, indent=1).encode())
    return corpus


def realweb_config(
    served: list[ServedSite], *, delay_s: float = 0.02, max_pages: int = 5000
) -> Config:
    """A config crawling the served blogs: a short delay (our own server), room for every page."""
    sites = [SiteConfig(name=s.name, url=s.url, max_pages=max_pages) for s in served]
    return Config(user_agent=DEMO_USER_AGENT, sites=sites, crawl=CrawlConfig(delay_s=delay_s))


def write_realweb_config(path: Path, served: list[ServedSite], *, delay_s: float = 0.02) -> Path:
    config = realweb_config(served, delay_s=delay_s)
    data = config.model_dump(mode="json", exclude_defaults=True)
    text = "# content-audit config for the real-web corpus (pipeline.demo.realweb)\n"
    atomic_write_bytes(path, (text + yaml.safe_dump(data, sort_keys=False)).encode("utf-8"))
    return path
