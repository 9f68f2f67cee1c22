"""Pages for the independent page-type relabeling of the held-out part (issue 16).

    python benchmarks/pagetype/relabel/build.py      # writes pages.jsonl

One row per held-out page of both shared sets (``pagetype_train.is_held_out``): id, URL, title,
the start of the annotated main text and the start of the page's whole visible text. The
sets' own ``page_type`` is left out, so labelers judge from the page alone (see GUIDE.md).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402

from pipeline.extract.pagetype_train import is_held_out  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def visible_text(html: str) -> str:
    tree = lxml.html.fromstring(html)
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    body = tree.find("body")
    text = (body if body is not None else tree).text_content()
    return " ".join(text.split())


def main() -> int:
    rows = []
    for name in ("extraction-dev", "extraction-more"):
        truth = json.loads((SHARED / name / "ground-truth.json").read_text())
        for page_id, rec in sorted(truth.items()):
            if not is_held_out(rec.get("url")):
                continue
            raw = gzip.decompress((SHARED / name / "html" / f"{page_id}.html.gz").read_bytes())
            page = visible_text(raw.decode("utf-8", errors="replace"))
            body = rec.get("articleBody") or ""
            rows.append(
                {
                    "key": f"{name}/{page_id}",
                    "url": rec.get("url"),
                    "title": rec.get("title"),
                    "main_words": len(body.split()),
                    "main_start": body[:1200],
                    "page_words": len(page.split()),
                    "page_start": page[:800],
                }
            )
    with (HERE / "pages.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} pages -> {HERE / 'pages.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
