"""The benchmark's blogs: 500 HTML pages per site, a sitemap, robots.txt; generated, deterministic.

Each site (``build_site(index, origin)``) has:

* ``/`` and ``/page/2/`` .. ``/page/24/``: listing pages, 20 post cards each, with pagination;
* ``/about/``;
* 475 posts at ``/<yyyy>/<mm>/<slug>/``, each ~25 KB of HTML: head with meta, canonical,
  Open Graph, JSON-LD and inline CSS; header navigation; an article of 9-14 paragraphs under
  h2 sections with a list and a quote; tags; previous/next; related posts; comments; a sidebar
  of recent posts and a newsletter form; a footer (with a ``/wp-admin/`` login link that
  robots.txt disallows, so both crawlers must refuse it); an inline script;
* ``/robots.txt`` (``Disallow: /wp-admin/``, ``Sitemap:``) and ``/sitemap.xml`` (all 500 pages).

No link leaves the site (no other host, no other port): whatever a crawler follows is served by
this benchmark on 127.0.0.1. The same ``index`` always gives the same bytes.
"""

from __future__ import annotations

import html
import json
import random
import re
from dataclasses import dataclass

PAGES_PER_SITE = 500
POSTS_PER_SITE = 475
POSTS_PER_LISTING = 20
LISTING_PAGES = -(-POSTS_PER_SITE // POSTS_PER_LISTING)  # 24, the home page included

_WORD_LIST = (
    "sleep stress balance routine morning evening habit breath breathing mindful mindfulness "
    "walk walking strength mobility stretch recovery protein fibre fiber vegetables greens "
    "hydration water tea coffee caffeine magnesium vitamin omega sunlight posture desk screen "
    "journal gratitude focus calm energy fatigue muscle joint knee back spine core plank squat "
    "lunge yoga pilates cycling running swim heart rate blood sugar insulin gut microbiome "
    "ferment yogurt kimchi oats lentils beans nuts seeds berries salmon olive oil portion meal "
    "prep snack craving appetite metabolism weight goal week month plan coach research study "
    "evidence trial review doctor nutritionist therapist anxiety mood resilience community "
    "friend family child parent aging longevity bones balance fall prevention eyes skin "
    "season winter summer light dark cold heat sauna shower bath nap rhythm circadian cortisol"
)
_WORDS = tuple(_WORD_LIST.split())
_FILLER_LIST = (
    "the a of to and in is that for it with as on be at by this can your you more most "
    "when what how why which small simple daily often every few many some better best"
)
_FILLER = tuple(_FILLER_LIST.split())
_NAMES = ("Maya Patel", "Jonas Berg", "Lena Okafor", "Sam Rivera", "Ines Duarte", "Tom Kowalski")
_CSS = (
    ":root{--ink:#1d2a33;--muted:#5f6f7a;--accent:#2f7d6d;--bg:#fbfaf7}"
    "body{margin:0;font:17px/1.65 Georgia,serif;color:var(--ink);background:var(--bg)}"
    ".wrap{max-width:1120px;margin:0 auto;padding:0 20px;display:grid;"
    "grid-template-columns:minmax(0,1fr) 300px;gap:48px}"
    "header.site{border-bottom:1px solid #e4e0d8;padding:18px 0}"
    "header.site nav a{margin-right:18px;color:var(--ink);text-decoration:none}"
    "article h1{font-size:2.3rem;line-height:1.2;margin:32px 0 8px}"
    ".byline{color:var(--muted);font-size:.9rem}.tags a{background:#eef3f1;padding:2px 8px;"
    "border-radius:12px;margin-right:6px;font-size:.85rem}"
    "aside .card{border:1px solid #e4e0d8;padding:16px;margin:24px 0;border-radius:6px}"
    "footer.site{margin-top:64px;padding:32px 0;background:#1d2a33;color:#d9e1e5}"
    "footer.site a{color:#d9e1e5}.comment{border-top:1px solid #eee;padding:12px 0}"
    ".post-card{margin:28px 0}.post-card h2{margin:0 0 4px;font-size:1.4rem}"
    ".pagination a,.pagination span{margin-right:10px}"
    "@media (max-width:800px){.wrap{grid-template-columns:1fr}}"
)
_SCRIPT = (
    "(function(){var d=document;d.querySelectorAll('a[href^=\"#\"]').forEach(function(a){"
    "a.addEventListener('click',function(e){var t=d.querySelector(a.getAttribute('href'));"
    "if(t){e.preventDefault();t.scrollIntoView({behavior:'smooth'});}});});"
    "var f=d.getElementById('newsletter');if(f){f.addEventListener('submit',function(e){"
    "e.preventDefault();f.querySelector('button').textContent='Thanks!';});}})();"
)


@dataclass(frozen=True, slots=True)
class Post:
    slug: str
    path: str
    title: str
    date: str  # YYYY-MM-DD
    author: str
    excerpt: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Resource:
    body: bytes
    content_type: str


def _sentence(rng: random.Random) -> str:
    n = rng.randint(9, 22)
    words = [rng.choice(_WORDS) if rng.random() < 0.55 else rng.choice(_FILLER) for _ in range(n)]
    return " ".join(words).capitalize() + rng.choice(".....?!")


def _paragraph(rng: random.Random, pool: list[str]) -> str:
    return " ".join(rng.choice(pool) for _ in range(rng.randint(4, 8)))


def _title(rng: random.Random) -> str:
    a, b, c = rng.sample(_WORDS, 3)
    form = rng.choice(
        (
            "{n} ways {a} changes your {b}",
            "Why {a} matters for {b} and {c}",
            "A beginner's guide to {a}",
            "What the research says about {a} and {b}",
            "How I fixed my {a} {b} in {n} weeks",
            "The {a} {b} myth, explained",
        )
    )
    return form.format(a=a, b=b, c=c, n=rng.randint(3, 12)).capitalize()


def _head(site: str, origin: str, path: str, title: str, description: str, extra: str) -> str:
    t, d = html.escape(title), html.escape(description)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{t} | {site}</title>\n"
        f'<meta name="description" content="{d}">\n'
        f'<link rel="canonical" href="{origin}{path}">\n'
        f'<meta property="og:title" content="{t}">\n'
        f'<meta property="og:description" content="{d}">\n'
        f'<meta property="og:url" content="{origin}{path}">\n'
        f'<meta property="og:site_name" content="{site}">\n'
        f'<link rel="stylesheet" href="/static/theme.css?v=3">\n'
        f'<link rel="icon" href="/static/favicon.svg">\n'
        f"{extra}<style>{_CSS}</style>\n</head>\n"
    )


def _header(site: str) -> str:
    return (
        '<body>\n<a class="skip" href="#main">Skip to content</a>\n'
        f'<header class="site"><div class="wrap"><div><a class="logo" href="/">{site}</a>\n'
        '<nav aria-label="Main"><a href="/">Home</a><a href="/page/2/">Archive</a>'
        '<a href="/about/">About</a><a href="/#newsletter">Newsletter</a>'
        '<a href="mailto:hello@example.invalid">Contact</a></nav></div></div></header>\n'
    )


def _sidebar(recent: list[Post]) -> str:
    items = "".join(
        f'<li><a href="{p.path}">{html.escape(p.title)}</a> <small>{p.date}</small></li>'
        for p in recent
    )
    return (
        '<aside aria-label="Sidebar"><section class="card"><h3>Recent posts</h3>'
        f"<ul>{items}</ul></section>\n"
        '<section class="card"><h3>Newsletter</h3><p>One practical idea a week, no spam.</p>'
        '<form id="newsletter" action="/subscribe" method="post"><label>Email '
        '<input type="email" name="email" required></label><button type="submit">Subscribe'
        "</button></form></section></aside>\n"
    )


def _footer(site: str) -> str:
    return (
        '<footer class="site"><div class="wrap"><div>'
        f"<p>&copy; 2026 {site}. Information only, not medical advice.</p>"
        '<p><a href="/about/">About</a> · <a href="/">Home</a> · '
        '<a href="/wp-admin/">Log in</a> · <a href="#top">Back to top</a></p></div></div>'
        f"</footer>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


@dataclass(frozen=True, slots=True)
class Neighbours:
    prev: Post | None
    next: Post | None
    related: list[Post]
    recent: list[Post]


def _post_page(
    site: str, origin: str, post: Post, rng: random.Random, pool: list[str], ctx: Neighbours
) -> str:
    prev_p, next_p, related, recent = ctx.prev, ctx.next, ctx.related, ctx.recent
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": post.title,
            "datePublished": post.date,
            "author": {"@type": "Person", "name": post.author},
            "mainEntityOfPage": origin + post.path,
        }
    )
    parts = [
        _head(
            site,
            origin,
            post.path,
            post.title,
            post.excerpt,
            f'<meta property="article:published_time" content="{post.date}">\n'
            f'<script type="application/ld+json">{ld}</script>\n',
        ),
        _header(site),
        '<div class="wrap"><main id="main"><article class="post">\n',
        f"<h1>{html.escape(post.title)}</h1>\n",
        f'<p class="byline">By <a href="/about/" rel="author">{post.author}</a> · '
        f'<time datetime="{post.date}">{post.date}</time> · '
        f'<a href="#comments">{rng.randint(0, 40)} comments</a></p>\n',
        f'<figure><img src="/static/img/{post.slug}.jpg" alt="{html.escape(post.title)}" '
        'width="1200" height="630" loading="lazy"><figcaption>Photo: staff</figcaption>'
        "</figure>\n",
        f'<p class="lead">{html.escape(post.excerpt)}</p>\n',
    ]
    for section in range(rng.randint(4, 6)):
        parts.append(f"<h2>{html.escape(_title(rng))}</h2>\n")
        for _ in range(rng.randint(3, 5)):
            parts.append(f"<p>{html.escape(_paragraph(rng, pool))}</p>\n")
        if section == 1:
            items = "".join(f"<li>{html.escape(rng.choice(pool))}</li>" for _ in range(5))
            parts.append(f"<ul>{items}</ul>\n")
        if section == 2:
            parts.append(f"<blockquote><p>{html.escape(rng.choice(pool))}</p></blockquote>\n")
    tags = "".join(f'<a rel="tag">{t}</a>' for t in post.tags)
    parts.append(f'<p class="tags">Tagged: {tags}</p>\n')
    nav = []
    if prev_p is not None:
        nav.append(f'<a rel="prev" href="{prev_p.path}">&larr; {html.escape(prev_p.title)}</a>')
    if next_p is not None:
        nav.append(f'<a rel="next" href="{next_p.path}">{html.escape(next_p.title)} &rarr;</a>')
    parts.append(f'<nav class="post-nav">{" ".join(nav)}</nav>\n</article>\n')
    cards = "".join(
        f'<li><a href="{p.path}">{html.escape(p.title)}</a><p>{html.escape(p.excerpt)}</p></li>'
        for p in related
    )
    parts.append(f'<section class="related"><h2>You may also like</h2><ul>{cards}</ul></section>\n')
    parts.append('<section id="comments"><h2>Comments</h2>\n')
    for _ in range(rng.randint(1, 4)):
        who = rng.choice(_NAMES).split()[0]
        parts.append(
            f'<div class="comment"><p class="who">{who} · {post.date}</p>'
            f"<p>{html.escape(_paragraph(rng, pool)[:400])}</p></div>\n"
        )
    parts.append("</section>\n</main>\n")
    parts.append(_sidebar(recent))
    parts.append("</div>\n")
    parts.append(_footer(site))
    return "".join(parts)


def _listing_page(
    site: str, origin: str, number: int, posts: list[Post], recent: list[Post]
) -> str:
    path = "/" if number == 1 else f"/page/{number}/"
    title = f"{site}: practical wellness" if number == 1 else f"{site}: archive page {number}"
    parts = [
        _head(site, origin, path, title, "Evidence-based notes on everyday health.", ""),
        _header(site),
        '<div class="wrap"><main id="main">\n',
        f"<h1>{html.escape(title)}</h1>\n",
    ]
    for p in posts:
        parts.append(
            f'<article class="post-card"><h2><a href="{p.path}">{html.escape(p.title)}</a></h2>'
            f'<p class="byline">{p.author} · <time datetime="{p.date}">{p.date}</time></p>'
            f'<p>{html.escape(p.excerpt)}</p><a class="more" href="{p.path}">Read more</a>'
            "</article>\n"
        )
    links = []
    if number > 1:
        prev_path = "/" if number == 2 else f"/page/{number - 1}/"
        links.append(f'<a rel="prev" href="{prev_path}">Newer</a>')
    for n in range(max(1, number - 3), min(LISTING_PAGES, number + 3) + 1):
        target = "/" if n == 1 else f"/page/{n}/"
        links.append(f"<span>{n}</span>" if n == number else f'<a href="{target}">{n}</a>')
    if number < LISTING_PAGES:
        links.append(f'<a rel="next" href="/page/{number + 1}/">Older</a>')
    parts.append(f'<nav class="pagination">{"".join(links)}</nav>\n</main>\n')
    parts.append(_sidebar(recent))
    parts.append("</div>\n")
    parts.append(_footer(site))
    return "".join(parts)


def _about_page(site: str, origin: str, rng: random.Random, pool: list[str]) -> str:
    body = "".join(f"<p>{html.escape(_paragraph(rng, pool))}</p>\n" for _ in range(5))
    return (
        _head(site, origin, "/about/", f"About {site}", "Who writes here and why.", "")
        + _header(site)
        + f'<div class="wrap"><main id="main"><h1>About {site}</h1>\n{body}</main></div>\n'
        + _footer(site)
    )


def site_name(index: int) -> str:
    return f"blog{index:02d}"


def page_paths(index: int) -> list[str]:
    """The 500 HTML page paths of site ``index`` (what a complete crawl fetches)."""
    return [post.path for post in _posts(index)] + _listing_paths() + ["/about/"]


def _listing_paths() -> list[str]:
    return ["/"] + [f"/page/{n}/" for n in range(2, LISTING_PAGES + 1)]


def _posts(index: int) -> list[Post]:
    rng = random.Random(f"posts-{index}")
    posts = []
    for i in range(POSTS_PER_SITE):
        title = _title(rng)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower())[:60].strip("-") + f"-{i}"
        # Newest first: post 0 is the latest.
        day = 1 + (POSTS_PER_SITE - i) * 2
        year, rest = 2024 + day // 360, day % 360
        month, dom = 1 + rest // 30, 1 + rest % 28
        date = f"{year}-{month:02d}-{dom:02d}"
        posts.append(
            Post(
                slug=slug,
                path=f"/{year}/{month:02d}/{slug}/",
                title=title,
                date=date,
                author=rng.choice(_NAMES),
                excerpt=_sentence(rng) + " " + _sentence(rng),
                tags=tuple(rng.sample(_WORDS, 3)),
            )
        )
    return posts


def build_site(index: int, origin: str) -> dict[str, Resource]:
    """Every resource of site ``index`` served at ``origin`` (e.g. ``http://127.0.0.1:40001``)."""
    site = site_name(index)
    rng = random.Random(f"site-{index}")
    pool = [_sentence(rng) for _ in range(1500)]
    posts = _posts(index)
    recent = posts[:10]
    out: dict[str, Resource] = {}

    def page(path: str, text: str) -> None:
        out[path] = Resource(text.encode("utf-8"), "text/html; charset=utf-8")

    for i, post in enumerate(posts):
        ctx = Neighbours(
            prev=posts[i + 1] if i + 1 < len(posts) else None,
            next=posts[i - 1] if i > 0 else None,
            related=rng.sample(posts, 5),
            recent=recent,
        )
        page(post.path, _post_page(site, origin, post, rng, pool, ctx))
    for n, path in enumerate(_listing_paths(), start=1):
        chunk = posts[(n - 1) * POSTS_PER_LISTING : n * POSTS_PER_LISTING]
        page(path, _listing_page(site, origin, n, chunk, recent))
    page("/about/", _about_page(site, origin, rng, pool))
    assert len(out) == PAGES_PER_SITE, len(out)
    locs = "".join(
        f"<url><loc>{origin}{path}</loc><lastmod>2026-11-30</lastmod></url>\n" for path in out
    )
    out["/sitemap.xml"] = Resource(
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{locs}</urlset>\n"
        ).encode(),
        "application/xml",
    )
    out["/robots.txt"] = Resource(
        (
            f"User-agent: *\nDisallow: /wp-admin/\nAllow: /\n\nSitemap: {origin}/sitemap.xml\n"
        ).encode(),
        "text/plain; charset=utf-8",
    )
    return out
