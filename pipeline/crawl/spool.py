"""Finished ``pages`` rows kept on disk while the crawl runs, read back in a stable order.

Why not a list: a row is a 25-key dict, ~2 KB of Python objects, so holding every row until the
end made the crawl's memory grow with the number of URLs (10,000 rows were 15-20 MB of the
benchmark crawl's 84 MB peak, a million would be gigabytes). The spool costs two machine words
per row in memory; the rows are pickled to a file next to the stage output as each one is
finished, and ``pages.parquet`` is written by streaming them back in batches.

The file is our own scratch data, written and read by the same process, so pickle is safe here
(and keeps datetimes and lists as they are). A killed crawl leaves it behind; the next crawl of
the run truncates it.
"""

from __future__ import annotations

import pickle
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

__all__ = ["RowSpool"]

# A sort key packs (site index, admission order): 2**32 rows per site is out of reach.
_SEQ_BITS = 32


class RowSpool:
    """Append-only store of finished rows; iterating yields them by (site, admission order).

    Also counts what the stage summary needs (rows, ok, unchanged, error classes), so nothing
    has to read the rows back for it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: BinaryIO = path.open("w+b")
        self._keys = array("q")
        self._offsets = array("q")
        self.ok = 0
        self.unchanged = 0
        self.error_classes: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, site_index: int, seq: int, row: dict[str, Any]) -> None:
        """Store a row that will not change any more."""
        if not 0 <= seq < 1 << _SEQ_BITS:
            raise ValueError(f"admission order {seq} out of range")
        self._keys.append(site_index << _SEQ_BITS | seq)
        self._offsets.append(self._fh.tell())  # always the end: reading seeks back to it
        pickle.dump(row, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.ok += bool(row["ok"])
        self.unchanged += bool(row["unchanged"])
        if row["error_class"] is not None:
            self.error_classes[row["error_class"]] += 1

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self._fh.flush()
        order = sorted(range(len(self._keys)), key=self._keys.__getitem__)
        try:
            for i in order:
                self._fh.seek(self._offsets[i])
                yield pickle.load(self._fh)
        finally:
            self._fh.seek(0, 2)

    def close(self) -> None:
        """Close and delete the file (the rows are gone after this)."""
        self._fh.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> RowSpool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
