"""The labeled topics corpus: wellness posts with a known topic, site and search intent.

Sources (README: "Corpus"):

* ``corpus/written/<topic>/NN.md``: 50 posts per topic for 8 topics, written for this benchmark
  (front matter: title, site, intent; the intent marks the 4 pairs per topic written to compete
  for one query on one site);
* real pages: the five seed posts (relationships) and the health pages of
  ``../shared/data/extraction-dev/`` whose tags and title name one of the 8 topics
  (``REAL_PAGES``, chosen by tags and title only); their ``articleBody`` is the text.

``load()`` returns them in a fixed order (topic, then source, then id).
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRITTEN = HERE / "corpus" / "written"
SHARED = HERE.parents[2] / "shared"
DEV_TRUTH = SHARED / "data" / "extraction-dev" / "ground-truth.json"
SEEDS = SHARED / "seeds"

TOPICS = (
    "sleep",
    "stress_anxiety",
    "nutrition",
    "weight_loss",
    "fitness",
    "relationships",
    "skin_care",
    "gut_health",
)
# extraction-dev page id -> topic, from the page's tags and title (README lists them).
REAL_PAGES = {
    "0001": "nutrition",
    "0002": "nutrition",
    "0004": "nutrition",
    "0475": "nutrition",
    "0013": "fitness",
    "0032": "fitness",
    "0034": "fitness",
    "0039": "fitness",
    "0085": "fitness",
    "0086": "fitness",
    "0228": "fitness",
    "0027": "stress_anxiety",
    "0119": "stress_anxiety",
    "0156": "stress_anxiety",
    "0195": "stress_anxiety",
    "0186": "skin_care",
    "0311": "skin_care",
    "0221": "weight_loss",
}


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    topic: str
    site: str
    title: str
    text: str
    intent: str | None  # posts sharing an intent compete for one query on one site
    source: str  # "written", "seed" or "dev"

    @property
    def document(self) -> str:
        """What the topics stage clusters: the title, a blank line, the main text."""
        return f"{self.title}\n\n{self.text}"


def _front_matter(path: Path) -> tuple[dict[str, str], str]:
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---"):
        raise ValueError(f"{path}: no front matter")
    _, header, body = raw.split("---", 2)
    meta = {}
    for line in header.strip().splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    return meta, body.strip()


def _written() -> list[Post]:
    posts = []
    for topic in TOPICS:
        for path in sorted((WRITTEN / topic).glob("*.md")):
            meta, body = _front_matter(path)
            intent = meta.get("intent") or None
            posts.append(
                Post(
                    id=f"{topic}/{path.stem}",
                    topic=topic,
                    site=meta["site"],
                    title=meta["title"],
                    text=body,
                    intent=None if intent in (None, "null", "none", "") else intent,
                    source="written",
                )
            )
    return posts


def _real() -> list[Post]:
    truth = json.loads(DEV_TRUTH.read_text(encoding="utf-8"))
    posts = [
        Post(
            id=f"dev/{page}",
            topic=topic,
            site="dev-" + page,  # every page is its own site: no intent pairs among them
            title=truth[page]["title"] or "",
            text=truth[page]["articleBody"],
            intent=None,
            source="dev",
        )
        for page, topic in sorted(REAL_PAGES.items())
    ]
    for path in sorted(SEEDS.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").strip().splitlines()
        posts.append(
            Post(
                id=f"seed/{path.stem[:3]}",
                topic="relationships",
                site="seed-" + path.stem[:3],
                title=lines[0].strip(),
                text="\n".join(lines[1:]).strip(),
                intent=None,
                source="seed",
            )
        )
    return posts


def load() -> list[Post]:
    posts = _written() + _real()
    return sorted(posts, key=lambda p: (TOPICS.index(p.topic), p.source, p.id))


def synthetic(posts: list[Post], n: int, seed: int = 0) -> list[Post]:
    """``n`` posts for timing: each joins 3-8 paragraphs of random posts of one topic.

    Topic structure and vocabulary are the corpus's; the texts are new combinations, so the
    10,000-post fit is not 25 copies of the same 400 vectors."""
    rng = random.Random(seed)
    by_topic: dict[str, list[str]] = {}
    for p in posts:
        paragraphs = [x for x in p.text.split("\n\n") if len(x.split()) >= 8]
        by_topic.setdefault(p.topic, []).extend(paragraphs)
    out = []
    topics = sorted(by_topic)
    for i in range(n):
        topic = topics[i % len(topics)]
        paras = rng.sample(by_topic[topic], k=min(len(by_topic[topic]), rng.randint(3, 8)))
        title = " ".join(paras[0].split()[:8])
        out.append(
            Post(f"syn/{i}", topic, f"site-{i % 20}", title, "\n\n".join(paras), None, "syn")
        )
    return out


def export(path: Path) -> None:
    """The corpus as JSON lines (``id``, ``label``, ``site``, ``title``, ``text`` = the document
    the topics stage clusters) for ``content-audit eval-topics``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for p in load():
            row = {"id": p.id, "label": p.topic, "site": p.site, "title": p.title}
            out.write(json.dumps({**row, "text": p.document}) + "\n")


if __name__ == "__main__":
    export(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / ".cache" / "corpus.jsonl")
