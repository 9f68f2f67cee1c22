"""``main_text`` takes a leaner path than ``extract_page`` (``extractor.page_text``): no full
metadata scan, no categories, no page type. It must give the same text, on real pages and on
arbitrary markup, and read the same declared page types the full metadata reads."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.extract import extract_page, guarded_page, main_text
from pipeline.extract.devsets import PageSet
from pipeline.extract.markup import parse_html
from pipeline.extract.metadata import extract_metadata
from pipeline.extract.metadata_sources import declared_types

# Every 12th page of both sets (118 pages of every type): real templates, JSON-LD graphs,
# og:type tags, hidden and revealed text.
STRIDE = 12


def _sample(dev_dir: Path, more_dir: Path) -> tuple[PageSet, list[str]]:
    pages = PageSet.load([dev_dir, more_dir])
    return pages, sorted(pages.truth)[::STRIDE]


def test_main_text_is_the_page_records_text_on_real_pages(dev_dir: Path, more_dir: Path) -> None:
    pages, ids = _sample(dev_dir, more_dir)
    differ = [
        i for i in ids if main_text(pages.html(i), pages.url(i))
        != extract_page(pages.html(i), pages.url(i)).main_text
    ]  # fmt: skip
    assert not differ


def test_declared_types_are_the_metadatas(dev_dir: Path, more_dir: Path) -> None:
    pages, ids = _sample(dev_dir, more_dir)
    declared = 0
    for i in ids:
        root = parse_html(pages.html(i))
        assert root is not None
        meta = extract_metadata(root, pages.url(i))
        og_type, jsonld_types = declared_types(root)
        assert (og_type, tuple(jsonld_types)) == (meta.og_type, meta.jsonld_types), i
        declared += bool(og_type or jsonld_types)
    assert declared > len(ids) // 2  # the sample exercises the declarations, not only absences


_FRAGMENTS = st.sampled_from(
    [
        "<p>A steady evening routine helps you sleep better every night.</p>",
        '<meta property="og:type" content="Article">',
        '<meta name="og:type" content="">',
        '<script type="application/ld+json">{"@type": ["BlogPosting", "Thing"]}</script>',
        '<script type="application/ld+json">{"@graph": [{"@type": "Product"}]}</script>',
        '<script type="application/ld+json">{broken</script>',
        "<div hidden><p>Hidden text that a script would reveal later on.</p></div>",
        '<div style="display:none">Invisible promo</div>',
        '<nav><a href="/a">Home</a> <a href="/b">Blog</a></nav>',
        "<article><h1>Title</h1><p>Body text of the article, long enough.</p></article>",
        "<noscript><p>Enable JavaScript to read this.</p></noscript>",
        "<ul><li>one item</li><li>two items</li></ul>",
        '<a class="btn" href="/book">Book a consultation</a>',
        "\x1f\x1b",  # control characters: the guard's "not HTML" share
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_FRAGMENTS | st.text(max_size=40), max_size=12))
# Found by hypothesis in CI: control characters make the guard refuse the page, so the text is
# compared with the guarded page record, not with extract_page's.
@example(["\x1f\x1b", "<p>A steady evening routine helps you sleep better.</p>", "\x1b"])
def test_main_text_is_the_page_records_text_on_any_markup(parts: list[str]) -> None:
    html = "<html><head></head><body>" + "".join(parts) + "</body></html>"
    # Both behind the input guard (control characters make a page "not_html" there).
    assert main_text(html) == guarded_page(html)[0].main_text
