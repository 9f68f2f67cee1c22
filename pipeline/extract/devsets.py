"""The annotated page sets the extractor learns from and is measured on, as one collection.

``../shared/data/extraction-dev`` (481 pages) and ``../shared/data/extraction-more`` (935) share a
format (``html/<id>.html.gz`` and ``ground-truth.json``) but not an id space (four ids occur in
both), so a collection of several sets prefixes each id with its set's short name:
``dev/0001``, ``more/0661`` (as every labeled set of the project does). A collection of one set
keeps the set's own ids, so a single directory reads as it always did.

**The untouched slice** (issue 18) is fixed here, by a rule chosen before any tuning on the
second set: the pages of ``extraction-more`` whose site (``site_domain``) hashes to bucket 0 of
``UNTOUCHED_BUCKETS`` (237 pages, 120 of them articles). The extractor was never tuned on that
set, so the slice has never been looked at. Cross-validation and tuning use every page whose site
is not a slice site (``tuning_ids``): the 11 ``extraction-dev`` pages of slice sites are left
out too, so no template of the slice is learned. The shipped model is trained on all pages.

Dev tooling and shared helpers; the product's extraction path never imports it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SHARED_DATA = Path("../shared/data")
DEFAULT_DIRS = (SHARED_DATA / "extraction-dev", SHARED_DATA / "extraction-more")
UNTOUCHED_SET = "extraction-more"
UNTOUCHED_BUCKETS = 4
# Second-level labels under which a country code sells registrations ("bbc.co.uk"): the
# registrable domain is then three labels. A short list instead of the Public Suffix List
# (no dependency); a miss only merges or splits a group, it never leaks a page into training.
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "ne", "net", "or", "org"})


def site_domain(url: str, page_id: str = "") -> str:
    """Registrable domain of ``url``: "blog.example.co.uk" -> "example.co.uk". Subdomains share a
    group, being usually one template ("connect.bcbsok.com" and "bcbsok.com"). A page without a
    host is its own group."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        host = ""
    labels = host.removeprefix("www.").split(".")
    if len(labels) < 2 or not all(labels):
        return f"page:{page_id}"
    if all(label.isdigit() for label in labels):
        return host  # an IPv4 address is its own site
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def short_name(directory: Path) -> str:
    """``extraction-more`` -> ``more``: the id prefix of a set in a collection."""
    return directory.name.removeprefix("extraction-")


def is_untouched_site(domain: str) -> bool:
    digest = hashlib.sha1(f"untouched:{domain}".encode()).hexdigest()
    return int(digest[:8], 16) % UNTOUCHED_BUCKETS == 0


@dataclass(frozen=True)
class PageSet:
    """Pages of one or more annotated sets: id -> annotation, and each page's HTML on demand."""

    dirs: dict[str, Path]  # id prefix ("" for a single set) -> directory
    truth: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, source: PageSet | Path | Sequence[Path]) -> PageSet:
        """``source`` itself when it is a collection already, else the sets it names, loaded."""
        return source if isinstance(source, PageSet) else cls.load(source)

    @classmethod
    def load(cls, dirs: Path | Sequence[Path] = DEFAULT_DIRS) -> PageSet:
        paths = [Path(dirs)] if isinstance(dirs, (str, Path)) else [Path(d) for d in dirs]
        if not paths:
            raise ValueError("no page set given: pass at least one --dev-dir")
        single = len(paths) == 1
        prefixes: dict[str, Path] = {}
        truth: dict[str, dict[str, Any]] = {}
        for path in paths:
            prefix = "" if single else short_name(path) + "/"
            if prefix in prefixes:
                raise ValueError(f"two page sets named {path.name!r}: give each set once")
            prefixes[prefix] = path
            records = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
            truth.update({prefix + k: v for k, v in records.items()})
        return cls(prefixes, dict(sorted(truth.items())))

    def _directory(self, page_id: str) -> Path:
        prefix, _, _ = page_id.rpartition("/")
        return self.dirs[prefix + "/" if prefix else ""]

    def html_path(self, page_id: str) -> Path:
        return self._directory(page_id) / "html" / f"{page_id.rpartition('/')[2]}.html.gz"

    def html(self, page_id: str) -> str:
        raw = gzip.decompress(self.html_path(page_id).read_bytes())
        return raw.decode("utf-8", errors="replace")

    def set_name(self, page_id: str) -> str:
        return self._directory(page_id).name

    def url(self, page_id: str) -> str:
        return str(self.truth[page_id].get("url") or "")

    def domain(self, page_id: str) -> str:
        return site_domain(self.url(page_id), page_id)

    def fingerprint(self) -> bytes:
        """What a cached prediction over this collection depends on: its sets' annotations."""
        digest = hashlib.sha256()
        for prefix, path in sorted(self.dirs.items()):
            digest.update(prefix.encode())
            digest.update((path / "ground-truth.json").read_bytes())
        return digest.digest()

    def untouched_ids(self) -> list[str]:
        """The untouched slice: pages of ``UNTOUCHED_SET`` whose site is in the held bucket."""
        return [
            i
            for i in self.truth
            if self.set_name(i) == UNTOUCHED_SET and is_untouched_site(self.domain(i))
        ]

    def tuning_ids(self) -> list[str]:
        """Every page whose site has no page in the untouched slice."""
        held = {self.domain(i) for i in self.untouched_ids()}
        return [i for i in self.truth if self.domain(i) not in held]

    def select(self, ids: Iterable[str] | None, part: str = "all") -> list[str]:
        """``ids`` as given, or the ids of ``part``: all, tuning or untouched."""
        if ids is not None:
            return sorted(ids)
        parts = {"all": lambda: list(self.truth), "tuning": self.tuning_ids,
                 "untouched": self.untouched_ids}  # fmt: skip
        if part not in parts:
            raise ValueError(f"part={part!r}: use one of {', '.join(parts)}")
        return parts[part]()
