"""The page cache of incremental extraction: what it gives back, and what it refuses."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pipeline.extract import extract_page, pagecache
from pipeline.extract.site import block_hashes, text_hash

HTML = """<html><head><title>Magnesium and sleep</title></head><body><nav>Home | Blog</nav>
<article><h1>Magnesium and sleep</h1><p>Magnesium is a mineral the body uses in hundreds of
reactions, and a few small trials have looked at whether it helps people sleep.</p>
<p>The evidence is mixed: older adults with low intake slept a little longer in one trial,
while other studies found no difference at all.</p></article><footer>(c) 2026</footer>
</body></html>"""


def test_a_cached_page_is_the_page_extracted() -> None:
    page = extract_page(HTML, "https://example.com/blog/magnesium/")
    hashes = block_hashes(page)
    again, truncated, again_hashes = pagecache.unpack(pagecache.pack(page, True, hashes))
    assert again == page and truncated is True
    assert again_hashes == hashes == [text_hash(s.block.text) for s in page.blocks]


def test_a_cache_of_the_previous_format_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "site.pickle"
    pagecache.save(path, {"https://a/1": b"one"})
    data = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({**data, "format": 1}))  # (page, truncated) blobs, no hashes
    assert pagecache.load(path, {"https://a/1"}) == {}


def test_only_the_unchanged_urls_come_back(tmp_path: Path) -> None:
    path = tmp_path / "site.pickle"
    pagecache.save(path, {"https://a/1": b"one", "https://a/2": b"two"})
    assert pagecache.load(path, {"https://a/2", "https://a/3"}) == {"https://a/2": b"two"}
    assert pagecache.load(path, set()) == {}
    assert pagecache.load(None, {"https://a/2"}) == {}
    assert pagecache.load(tmp_path / "missing.pickle", {"https://a/2"}) == {}


def test_another_extractor_or_a_damaged_file_gives_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "site.pickle"
    pagecache.save(path, {"https://a/1": b"one"})
    monkeypatch.setattr(pagecache, "extractor_fingerprint", lambda: "another")
    assert pagecache.load(path, {"https://a/1"}) == {}
    path.write_bytes(pickle.dumps({"format": 1})[:5])  # truncated
    assert pagecache.load(path, {"https://a/1"}) == {}
    assert "unreadable" in caplog.text
