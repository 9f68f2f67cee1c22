"""Configuration errors fail fast, naming the key, its line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_config, parse_config

GOOD = """\
user_agent: "content-audit/0.1 (+https://example.org/bot)"
sites:
  - name: calm-minds
    url: http://127.0.0.1:8001/
    max_pages: 500          # optional
"""


def test_documented_example_parses() -> None:
    cfg = parse_config(GOOD)
    assert cfg.sites[0].name == "calm-minds"
    assert str(cfg.sites[0].url) == "http://127.0.0.1:8001/"
    assert cfg.sites[0].max_pages == 500
    assert cfg.crawl.delay_s == 1.0  # documented default
    assert cfg.dedup.threshold == 0.8


def test_unknown_key_names_key_line_and_suggestion() -> None:
    text = GOOD.replace("max_pages: 500", "max_pagez: 500")
    with pytest.raises(ConfigError) as err:
        parse_config(text, source="sites.yaml")
    msg = str(err.value)
    assert "sites.yaml:5" in msg
    assert "sites[0].max_pagez" in msg
    assert "did you mean 'max_pages'" in msg


def test_unknown_top_level_key_lists_allowed_keys() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(GOOD + "schedule: weekly\n", source="s.yaml")
    assert "s.yaml:6: schedule: unknown key" in str(err.value)
    assert "allowed keys" in str(err.value)


def test_missing_url_names_the_site_entry() -> None:
    text = "sites:\n  - name: calm-minds\n    max_pages: 3\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text, source="s.yaml")
    assert "s.yaml:2: sites[0].url: required key is missing; add 'url:'" in str(err.value)


def test_malformed_yaml_reports_line() -> None:
    text = "sites:\n  - name: a\n    url: [http://127.0.0.1:1/\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text, source="s.yaml")
    assert "s.yaml:" in str(err.value) and "malformed YAML" in str(err.value)


def test_bad_values_are_explained() -> None:
    text = GOOD.replace("max_pages: 500", "max_pages: 0")
    with pytest.raises(ConfigError, match=r"sites\[0\]\.max_pages: Input should be greater"):
        parse_config(text)
    with pytest.raises(ConfigError, match="invalid site name"):
        parse_config(GOOD.replace("calm-minds", "Calm Minds!"))
    dup = GOOD + "  - name: calm-minds\n    url: http://127.0.0.1:8002/\n"
    with pytest.raises(ConfigError, match="site names must be unique; repeated: calm-minds"):
        parse_config(dup)


def test_not_a_mapping_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be a mapping"):
        parse_config("- just\n- a list\n")
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_sections_are_strict_too() -> None:
    with pytest.raises(
        ConfigError, match=r"crawl\.dlay_s: unknown key \(did you mean 'delay_s'\?\)"
    ):
        parse_config(GOOD + "crawl:\n  dlay_s: 2\n")


def test_bad_scope_pattern_names_the_key_and_the_fix() -> None:
    text = GOOD + "    exclude: ['/tag/(']\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text, source="s.yaml")
    msg = str(err.value)
    assert "sites[0].exclude" in msg and "not a valid regular expression" in msg
    assert "escape literal characters" in msg


def test_scope_patterns() -> None:
    site = parse_config(GOOD + "    include: ['/posts/']\n    exclude: ['/draft-']\n").sites[0]
    assert site.url_wanted("http://127.0.0.1:8001/posts/sleep")
    assert not site.url_wanted("http://127.0.0.1:8001/posts/draft-sleep")
    assert not site.url_wanted("http://127.0.0.1:8001/about")


def test_a_site_inside_another_sites_scope_is_refused_with_the_fix() -> None:
    # Both sites would crawl /blog/x, and the post would belong to both (one id, two rows).
    text = (
        "sites:\n  - name: main\n    url: http://127.0.0.1:9/\n"
        "  - name: blog\n    url: http://127.0.0.1:9/blog/\n"
    )
    with pytest.raises(
        ConfigError, match=r"sites\[1\] \(blog.*inside the crawl scope of sites\[0\]"
    ):
        parse_config(text)
    # Excluding the inner site from the outer one, or disjoint paths, are fine.
    parse_config(
        text.replace(
            "url: http://127.0.0.1:9/\n", "url: http://127.0.0.1:9/\n    exclude: ['/blog/']\n", 1
        )
    )
    parse_config(text.replace("http://127.0.0.1:9/\n", "http://127.0.0.1:9/shop/\n", 1))


def test_a_removed_key_names_what_replaces_it() -> None:
    # issue 17: the fixed stuffing density gave way to a percentile of real articles
    with pytest.raises(ConfigError) as err:
        parse_config(GOOD + "audit:\n  stuffing_density: 0.03\n", source="s.yaml")
    msg = str(err.value)
    assert "audit.stuffing_density: unknown key; removed" in msg
    assert "stuffing_natural_percentile" in msg
    ok = parse_config(GOOD + "audit:\n  stuffing_natural_percentile: 98\n", source="s.yaml")
    assert ok.audit.stuffing_natural_percentile == 98
    with pytest.raises(ConfigError, match="stuffing_natural_percentile"):
        parse_config(GOOD + "audit:\n  stuffing_natural_percentile: 97\n", source="s.yaml")
