"""RowSpool: the crawl's finished rows on disk, read back by (site, admission order)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from pipeline.crawl.spool import RowSpool


def _row(url: str, *, ok: bool = True, error: str | None = None, unchanged: bool | None = None):
    return {
        "url": url,
        "ok": ok,
        "error_class": error,
        "unchanged": unchanged,
        "fetched_at": dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC),
        "redirect_chain": [url + "?from"],
    }


def test_rows_come_back_by_site_then_admission_order(tmp_path: Path) -> None:
    # Completion order differs from admission order when pages finish out of turn.
    spool = RowSpool(tmp_path / ".pages.spool")
    for site, seq in [(1, 2), (0, 3), (1, 1), (0, 1), (0, 2), (2, 7), (1, 10)]:
        spool.add(site, seq, _row(f"s{site}/{seq}"))
    assert [r["url"] for r in spool] == [
        "s0/1", "s0/2", "s0/3", "s1/1", "s1/2", "s1/10", "s2/7"
    ]  # fmt: skip
    # Reading does not end the spool: it can take more rows and be read again.
    spool.add(0, 0, _row("s0/0"))
    assert [r["url"] for r in spool][:2] == ["s0/0", "s0/1"]
    spool.close()


def test_values_and_counts_survive_the_round_trip(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        _row("a", unchanged=True),
        _row("b", ok=False, error="timeout"),
        _row("c", ok=False, error="timeout"),
        _row("d", ok=False, error="robots_disallowed"),
        _row("e", unchanged=False),
    ]
    with RowSpool(tmp_path / "s") as spool:
        for i, row in enumerate(rows):
            spool.add(0, i, row)
        assert list(spool) == rows  # datetimes keep their zone, lists stay lists
        assert len(spool) == 5
        assert (spool.ok, spool.unchanged) == (2, 1)
        assert spool.error_classes == {"timeout": 2, "robots_disallowed": 1}


def test_closing_deletes_the_file_even_on_error(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with pytest.raises(RuntimeError), RowSpool(path) as spool:
        spool.add(0, 1, _row("a"))
        assert path.exists()
        raise RuntimeError("crawl failed")
    assert not path.exists()


def test_a_killed_runs_leftover_spool_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "s"
    path.write_bytes(b"half a pickle from a killed crawl \x80\x05")
    with RowSpool(path) as spool:
        spool.add(0, 1, _row("a"))
        assert [r["url"] for r in spool] == ["a"]


def test_admission_order_out_of_range_is_refused(tmp_path: Path) -> None:
    with RowSpool(tmp_path / "s") as spool, pytest.raises(ValueError, match="out of range"):
        spool.add(0, 1 << 32, _row("a"))
