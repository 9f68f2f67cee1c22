"""The demo sites' boilerplate elements are not main text and carry the right category.

Each site is evaluated as the extract stage does: ``extract_page`` for every post, then
``apply_site_evidence`` over the site's pages. An element (the navigation, the cookie banner …)
is located in the built HTML by its template selector (this test knows the demo templates; the
category rules must not), and its blocks are the contiguous run of page blocks whose text is
exactly the element's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree, html

from pipeline.demo import DemoPost, build_sites
from pipeline.extract.blocks import DROP_TAGS
from pipeline.extract.extractor import ExtractedPage, ScoredBlock, extract_page
from pipeline.extract.site import apply_site_evidence

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Element:
    """One kind of template element: its CSS selector per site, and the category it must get."""

    category: str
    selectors: dict[str, str]
    contains: tuple[str, ...] = ()  # keep only elements holding one of these texts
    expect: int | None = None  # elements per site that must be found (None: at least one)


ELEMENTS: dict[str, Element] = {
    "navigation": Element(
        "navigation",
        {
            "calm-minds": "nav#site-navigation",
            "heart-space": "nav.gh-head-menu",
            "well-together": "#comp-menu",
        },
    ),
    "newsletter": Element(
        "promo",
        {
            "calm-minds": "section.newsletter-signup",
            "heart-space": "section.newsletter",
            "well-together": ".side-widget.newsletter",
        },
    ),
    "cookie_banner": Element(
        "cookie",
        {
            "calm-minds": "#cookie-law-info-bar",
            "heart-space": "#cookie-consent",
            "well-together": "#consent-banner-root",
        },
    ),
    "author_box": Element(
        "author_meta",
        {s: ".author-box" for s in ("calm-minds", "heart-space", "well-together")},
    ),
    "related_posts": Element(
        "related",
        {
            "calm-minds": "nav.related-posts",
            "heart-space": "aside.related",
            "well-together": ".recent-posts.related",
        },
    ),
    "footer_links": Element(
        "navigation",
        {
            "calm-minds": "footer.site-footer nav",
            "heart-space": "footer.site-footer nav",
            "well-together": "#SITE_FOOTER .footer-links",
        },
    ),
    "footer_copyright": Element(
        "legal",
        {
            "calm-minds": "footer.site-footer .site-info",
            "heart-space": "footer.site-footer .copyright",
            "well-together": "#SITE_FOOTER .wixui-rich-text",
        },
    ),
    "share_buttons": Element(
        "share",
        {
            "calm-minds": ".sharedaddy",
            "heart-space": "section.article-share",
            "well-together": ".share-buttons",
        },
    ),
    "comment_form": Element(
        "comments_forms",
        {
            "calm-minds": "#respond",
            "heart-space": "#comments",
            "well-together": ".comments-widget",
        },
    ),
    # The seeds' calls to action, in each site's CTA markup.
    "seed_000_ctas": Element(
        "promo",
        {"calm-minds": ".wp-block-group.cta"},
        contains=("Book a free 15-minute consultation", "Or download the ManoShala App"),
        expect=1,  # one box holding both
    ),
    "seed_001_ctas": Element(
        "promo",
        {"heart-space": ".kg-card.cta-box, .kg-card.cta-inline"},
        contains=("Talk to our specialists", "Book a consultation"),
        expect=2,
    ),
    "seed_004_banner": Element(
        "promo",
        {"well-together": ".promo-banner"},
        contains=("It's Normal For Marriages To Have Their Challenges",),
        expect=2,  # the banner is pasted twice into the post
    ),
}
CASES = [(site, kind) for kind, el in ELEMENTS.items() for site in el.selectors]


@dataclass(frozen=True)
class Page:
    post: DemoPost
    tree: etree._Element
    extracted: ExtractedPage


def _html_file(root: Path, path: str) -> Path:
    target = root / path.strip("/")
    return target / "index.html" if path.endswith("/") else target


@pytest.fixture(scope="module")
def demo_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    """Every post of every demo site, extracted, with site evidence applied per site."""
    out: dict[str, list[Page]] = {}
    for site in build_sites(tmp_path_factory.mktemp("demo-build")):
        posts, trees, pages = [], [], []
        for post in site.posts:
            markup = _html_file(site.root, post.path).read_text(encoding="utf-8")
            posts.append(post)
            trees.append(html.document_fromstring(markup))
            pages.append(extract_page(markup, f"http://{site.name}.demo.test{post.path}"))
        final, _ = apply_site_evidence(pages)
        out[site.name] = [Page(*row) for row in zip(posts, trees, final, strict=True)]
    return out


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def _visible_text(el: etree._Element) -> str:
    """Text of ``el`` as blocks see it: script, style, textarea … dropped."""
    parts = [el.text or ""] if el.tag not in DROP_TAGS else []
    for child in el:
        if isinstance(child.tag, str) and child.tag not in DROP_TAGS:
            parts.append(_visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def element_blocks(page: ExtractedPage, el: etree._Element) -> list[ScoredBlock]:
    """The contiguous run of the page's blocks whose joined text is the element's text."""
    target = _squash(_visible_text(el))
    blocks = page.blocks
    for i in range(len(blocks)):
        acc = ""
        for j in range(i, len(blocks)):
            acc += _squash(blocks[j].block.text)
            if acc == target:
                return list(blocks[i : j + 1])
            if not target.startswith(acc):
                break
    raise AssertionError(f"no run of blocks spells the element's text {target[:80]!r}")


@pytest.mark.parametrize(("site", "kind"), CASES, ids=[f"{s}-{k}" for s, k in CASES])
def test_demo_element_is_boilerplate_of_its_category(
    demo_pages: dict[str, list[Page]], site: str, kind: str
) -> None:
    spec = ELEMENTS[kind]
    found = 0
    wrong = []
    for page in demo_pages[site]:
        for el in page.tree.cssselect(spec.selectors[site]):
            text = _visible_text(el)
            if spec.contains and not any(c in text for c in spec.contains):
                continue
            found += 1
            for scored in element_blocks(page.extracted, el):
                if scored.is_main or scored.category != spec.category:
                    state = "main" if scored.is_main else scored.category
                    wrong.append(f"{page.post.slug}: {scored.block.text[:60]!r} is {state}")
    if spec.expect is None:
        assert found, f"no {kind} element on any {site} post: the selector is stale"
    else:
        assert found == spec.expect, f"{kind}: {found} elements on {site}, {spec.expect} expected"
    for needle in spec.contains:
        # Each named text is really part of what was checked (not filtered away by a selector).
        assert any(
            needle in _visible_text(el)
            for page in demo_pages[site]
            for el in page.tree.cssselect(spec.selectors[site])
        ), f"{needle!r} is not in any {kind} element of {site}"
    assert not wrong, f"{site} {kind} blocks must be non-main {spec.category}:\n" + "\n".join(wrong)
