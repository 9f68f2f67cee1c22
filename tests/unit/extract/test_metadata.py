from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.extract.markup import parse_html
from pipeline.extract.metadata import PageMetadata, extract_metadata, parse_date

JSONLD = """<html lang="en-GB"><head>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Calm Minds"},
  {"@type": ["BlogPosting"], "headline": "Sleep and stress",
   "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"name": "Bo Li"}],
   "datePublished": "2024-03-05T10:00:00+02:00", "dateModified": "2024-04-01",
   "description": "How sleep shapes stress."}]}</script>
<meta property="og:title" content="OG title loses to JSON-LD">
<link rel="canonical" href="https://calm.example/sleep/">
<title>Sleep and stress | Calm Minds</title></head><body><p>x</p></body></html>"""

OG = """<html><head>
<meta property="og:type" content="article"><meta property="og:title" content="OG title">
<meta property="og:site_name" content="Heart Space"><meta name="author" content="Kim Ode">
<meta property="article:published_time" content="2023-02-03T08:30:00Z">
<meta name="description" content="Plain description"><title>Doc title</title>
<script type="application/ld+json">{ this is not json</script>
</head><body><p>x</p></body></html>"""

BYLINE = """<html><head><title>T</title></head><body><article>
<p class="byline">By Jane Doe</p><time datetime="2022-11-30">Nov 30</time><p>Body</p>
</article></body></html>"""


def meta(markup: str) -> PageMetadata:
    root = parse_html(markup)
    assert root is not None
    return extract_metadata(root)


def test_jsonld_graph_is_the_most_trusted_source() -> None:
    m = meta(JSONLD)
    assert m.title == "Sleep and stress"
    assert m.authors == ("Ana Ruiz", "Bo Li") and m.author == "Ana Ruiz, Bo Li"
    assert m.published_at == datetime(2024, 3, 5, 8, 0, tzinfo=UTC)
    assert m.updated_at == datetime(2024, 4, 1, tzinfo=UTC)
    assert m.description == "How sleep shapes stress."
    assert m.canonical_url == "https://calm.example/sleep/"
    assert m.site_name == "Calm Minds" and m.lang == "en-GB"
    assert m.is_article_markup and "blogposting" in m.jsonld_types


def test_opengraph_and_meta_when_jsonld_is_broken() -> None:
    m = meta(OG)
    assert (m.title, m.author, m.site_name) == ("OG title", "Kim Ode", "Heart Space")
    assert m.published_at == datetime(2023, 2, 3, 8, 30, tzinfo=UTC)
    assert m.description == "Plain description" and m.is_article_markup


def test_visible_byline_and_time_element_are_the_last_resort() -> None:
    m = meta(BYLINE)
    assert m.authors == ("Jane Doe",)
    assert m.published_at == datetime(2022, 11, 30, tzinfo=UTC)
    assert m.title == "T" and not m.is_article_markup


@pytest.mark.parametrize("value", ["", "yesterday", "2024-13-45", "0000-00-00", None, 42, []])
def test_garbage_dates_are_none_not_errors(value: object) -> None:
    assert parse_date(value) is None


def test_naive_datetimes_are_taken_as_utc() -> None:
    assert parse_date("2024-01-02T03:04:05") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


SOURCES = """<html><head><title>Gut health basics | Heart Space</title>
<meta property="og:site_name" content="Heart Space"><meta name="author" content="Heart Space">
<meta name="citation_publication_date" content="2021/05/04">
<link rel="canonical" href="https://heart.example/2021/05/04/gut-health/"></head>
<body><article itemscope itemtype="https://schema.org/Article">
<h1 itemprop="headline">Gut health basics</h1>
<div class="review"><span class="author-name">Sam Reviewer</span></div>
<p class="post-author"><a rel="author" href="/team/ana">Ana Ruiz</a></p>
<span class="entry-date">Updated on July 9, 2025</span><p>Body text.</p></article></body></html>"""


def test_sources_are_recorded_and_the_site_name_is_not_an_author() -> None:
    m = meta(SOURCES)
    # No JSON-LD, og:title or title meta: microdata's headline agrees with the <h1>.
    assert (m.title, m.title_source) == ("Gut health basics", "microdata")
    # meta author is the site's own name: the visible byline wins; the review's author is ignored.
    assert (m.authors, m.authors_source) == (("Ana Ruiz",), "byline")
    assert (m.updated_at, m.updated_source) == (datetime(2025, 7, 9, tzinfo=UTC), "text")
    assert m.published_source == "url" and m.published_at == datetime(2021, 5, 4, tzinfo=UTC)
    assert m.site_name == "Heart Space" and m.site_name_source == "og"


def test_title_tag_loses_its_site_suffix_and_double_escapes_are_undone() -> None:
    from pipeline.extract.metadata import clean_title_tag

    assert clean_title_tag("Sleep and stress | Calm Minds", "Calm Minds") == "Sleep and stress"
    assert clean_title_tag("Calm Minds - Sleep and stress", "Calm Minds") == "Sleep and stress"
    assert clean_title_tag("Sleep and stress – Blog", None) == "Sleep and stress"
    m = meta('<html><head><meta property="og:title" content="Tips &amp;#8211; Tricks"></head>')
    assert m.title == "Tips – Tricks"


def test_title_that_disagrees_with_the_h1_loses_to_one_that_agrees() -> None:
    m = meta(
        "<html><head><meta property='og:title' content='SEO title nobody sees'>"
        "<title>Sleep and stress: a guide | Calm</title></head>"
        "<body><h1>Sleep and stress: a guide</h1></body></html>"
    )
    assert (m.title, m.title_source) == ("Sleep and stress: a guide", "title_tag")


def test_microdata_and_forum_jsonld_authors() -> None:
    forum = """<html><head><script type="application/ld+json">{"@type": "DiscussionForumPosting",
    "author": {"@type": "Person", "name": "DaleJack"}, "datePublished": "2024-09-05T23:15:57Z"}
    </script></head><body><p>x</p></body></html>"""
    m = meta(forum)
    assert (m.authors, m.authors_source, m.published_source) == (("DaleJack",), "jsonld", "jsonld")
    micro = """<html><body><div itemprop="author" itemscope><span itemprop="name">Kim Ode</span>
    </div><meta itemprop="datePublished" content="2024-06-02T20:22:24-04:00"></body></html>"""
    m = meta(micro)
    assert (m.authors, m.authors_source) == (("Kim Ode",), "microdata")
    # The page's own offset is kept: the calendar day is the one the page shows.
    assert m.published_at is not None and m.published_at.date().isoformat() == "2024-06-02"


def test_a_utc_timestamp_a_day_off_the_shown_date_yields_to_the_shown_day() -> None:
    m = meta(
        "<html><head><meta property='article:published_time' content='2025-12-19T02:41:00Z'>"
        "</head><body><span class='post-date'>December 18, 2025</span></body></html>"
    )
    assert m.published_at is not None and m.published_at.day == 18
    assert m.published_source == "text"


@pytest.mark.parametrize(
    ("text", "day"),
    [("Updated on July 9, 2025", "2025-07-09"), ("Tue, 25 Nov 2025 5:00:00 PST", "2025-11-25"),
     ("23.07.2025", "2025-07-23"), ("Posted on the 15/12/2025 at 19:00", "2025-12-15"),
     ("Feb. 8th 2022", "2022-02-08"), ("Oct 01, 2025T10:00:00+03:00", "2025-10-01")],
)  # fmt: skip
def test_dates_written_in_words(text: str, day: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None and parsed.date().isoformat() == day


def test_metadata_match_rules() -> None:
    from pipeline.extract.metadata_eval import (
        author_matches,
        date_matches,
        field_accuracy,
        title_matches,
    )

    assert title_matches("Sleep and stress", "Sleep and Stress: a guide | Calm")
    assert not title_matches("Sleep and stress", "Sleepless")  # whole words, not prefixes
    assert not title_matches("Sleep", None) and not title_matches(None, "Sleep")
    assert author_matches("Holly Wilgus, E-RYT 200", "Holly Wilgus")
    assert author_matches("Dr. Jane Doe", "jane doe")
    assert not author_matches("Jane Smith", "John Doe")
    assert date_matches("2025-09-04", datetime(2025, 9, 4, 23, 0, tzinfo=UTC))
    assert not date_matches("2025-09-04", "2025-09-05T00:30:00Z")
    acc = field_accuracy([("a", "a"), ("a", None), (None, None), (None, "x")], title_matches)
    assert acc == {"with_gold": 0.5, "all": 0.5, "n_gold": 2.0, "n": 4.0}
