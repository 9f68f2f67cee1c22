from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.extract.blocks import parse_html
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
