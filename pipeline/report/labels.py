"""Plain words for the code names the warehouse stores: every kind, reason, rule and error class
a reader meets in the report has a label and a one-line explanation.

The warehouse and the report's CSV files keep the snake_case values (analysts and spreadsheets
filter on them); the report page shows these labels. A value with no entry falls back to its
words (``promo_in_body`` -> "promo in body") so a new detector never breaks a report;
``tests/unit/report/test_report_exports.py`` checks that every value the stages emit has an entry.
"""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    text: str
    explanation: str


FINDING_KINDS: dict[str, Label] = {
    "keyword_stuffing": Label(
        "Keyword stuffing",
        "A phrase repeated far more often than natural writing does, usually in headings.",
    ),
    "promo_in_body": Label(
        "Promotion inside the article",
        "A sales banner or call to action (book a call, buy, subscribe) interrupts the text.",
    ),
    "thin_content": Label(
        "Thin content",
        "Too few words of its own to answer the question the title asks.",
    ),
    "ymyl_trust": Label(
        "Health claim without support",
        "Health or money advice without a named author, reviewer, date or source for a claim.",
    ),
    "seo_filler": Label(
        "SEO filler",
        "Generic sentences written for search engines that tell the reader nothing.",
    ),
    "repeated_banner": Label(
        "Repeated banner",
        "The same banner appears several times inside the article.",
    ),
    "boilerplate_share": Label(
        "Mostly template",
        "Menus, banners and footers outweigh the article's own words on the page.",
    ),
    "structure": Label(
        "Heading structure",
        "Missing or several main headings (h1), or heading levels that skip.",
    ),
    "readability": Label(
        "Hard to read",
        "Long sentences and long words: harder to read than the audience expects.",
    ),
    "language": Label(
        "Language mismatch",
        "The text is not in English, the language the audit reads.",
    ),
}

SEVERITIES: dict[str, Label] = {
    "critical": Label("Critical", "Fix now: harms readers or search visibility."),
    "warning": Label("Warning", "Worth fixing: a real problem, less urgent."),
    "info": Label("Note", "A suggestion; not counted as a problem in the headline."),
}

LEFT_OUT_REASONS: dict[str, Label] = {
    "no_main_text": Label("No article text", "The page has no main text to audit."),
    "listing_page": Label("List of posts", "A category, tag or archive page listing posts."),
    "product_page": Label("Product page", "A shop page selling a product."),
    "forum_thread": Label("Forum thread", "A discussion thread, not an article."),
    "documentation_page": Label("Documentation", "Help or reference documentation."),
    "service_page": Label("Service page", "A page about the business (about, contact, pricing)."),
    "not_article": Label("Not an article", "The page does not read as a blog post."),
}

CRAWL_ERRORS: dict[str, Label] = {
    "http_error": Label("HTTP error", "The server answered with an error status (4xx or 5xx)."),
    "timeout": Label("Timed out", "The server did not answer in time."),
    "connect_error": Label("Could not connect", "The server refused or dropped the connection."),
    "network_error": Label("Network error", "The connection broke while reading the page."),
    "too_large": Label("Too large", "The page is bigger than the crawl's size limit."),
    "decode_error": Label("Unreadable text", "The page's bytes are not text in any encoding."),
    "invalid_url": Label("Invalid URL", "The link is not a URL the crawler can fetch."),
    "too_many_redirects": Label("Too many redirects", "The URL redirects more than allowed."),
    "redirect_loop": Label("Redirect loop", "The URL redirects back to itself."),
    "private_address": Label(
        "Private address", "The link points at a private network address; never fetched."
    ),
    "out_of_scope_redirect": Label(
        "Redirects off the site", "The URL redirects to another site, which is not crawled."
    ),
    "unsupported_content_type": Label(
        "Not a web page", "The URL answers with a file type the audit does not read."
    ),
    "robots_disallowed": Label(
        "Excluded by robots.txt", "The site asks crawlers not to fetch it (not an error)."
    ),
}

CANONICAL_RULES: dict[str, Label] = {
    "rel_canonical": Label("declared canonical", "The copies point to it with rel=canonical."),
    "earliest_published": Label("published first", "It has the earliest publication date."),
    "first_seen": Label("found first", "No dates: the copy the crawl fetched first."),
}

DUPLICATE_RELATIONS: dict[str, Label] = {
    "canonical": Label("original", "The post the copies should point to."),
    "same_site": Label("copy on the same site", "The site publishes this text twice."),
    "syndicated": Label("copy on another site", "Another site republishes this text."),
}

MATCH_KINDS: dict[str, Label] = {
    "canonical": Label("original", "The post the others are compared with."),
    "exact": Label("word for word", "The same text."),
    "near": Label("nearly the same", "The same text with small edits."),
}

CHANGES: dict[str, Label] = {
    "new": Label("new", "Not in the site's previous run."),
    "removed": Label("removed", "In the previous run, not in this one."),
    "score_changed": Label("score changed", "Same post, different audit score."),
    "text_changed": Label("text changed", "Same post and score, edited text."),
    "unchanged": Label("unchanged", "Same post, text and score."),
    "fixed": Label("fixed", "A finding of the previous run that is gone."),
    "persisting": Label("still there", "A finding in both runs."),
}

TABLES: dict[str, dict[str, Label]] = {
    "kind": FINDING_KINDS,
    "severity": SEVERITIES,
    "reason": LEFT_OUT_REASONS,
    "error": CRAWL_ERRORS,
    "rule": CANONICAL_RULES,
    "relation": DUPLICATE_RELATIONS,
    "match": MATCH_KINDS,
    "change": CHANGES,
}


def _fallback(value: str) -> Label:
    return Label(value.replace("_", " "), "")


def label(table: str, value: str | None) -> str:
    """The reader's words for ``value`` of a code table (see ``TABLES``)."""
    if value is None:
        return ""
    return TABLES[table].get(value, _fallback(value)).text


def explain(table: str, value: str | None) -> str:
    """The one-line explanation of ``value`` ("" when there is none)."""
    if value is None:
        return ""
    return TABLES[table].get(value, _fallback(value)).explanation
