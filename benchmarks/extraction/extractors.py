"""The extractors compared by the benchmark: name -> loader of a ``(html, url) -> text`` function.

Each loader imports its library only when called, so a worker process holds one extractor's
code and memory, and the peak RSS it reports is that extractor's (plus the shared interpreter).
Every call is the library's documented default use, as the issue prescribes; none is tuned.
"""

from __future__ import annotations

from collections.abc import Callable

Extract = Callable[[str, str | None], str]


def _content_audit() -> Extract:
    # The shipped model through the public function: what users get (speed, memory). Its quality
    # on the dev set is reported from grouped cross-validation instead, as it was trained here.
    from pipeline.extract import main_text

    return main_text


def _trafilatura() -> Extract:
    import trafilatura

    def extract(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url) or ""

    return extract


def _resiliparse() -> Extract:
    from resiliparse.extract.html2text import extract_plain_text

    def extract(html: str, url: str | None) -> str:
        return str(extract_plain_text(html, main_content=True))

    return extract


def _readability() -> Extract:
    from bs4 import BeautifulSoup
    from readability import Document
    from readability.readability import Unparseable

    def extract(html: str, url: str | None) -> str:
        try:
            summary = Document(html, url=url).summary()
        except Unparseable:  # readability's documented failure on pages it cannot read
            return ""
        # A newline between strings keeps "</p><p>" from gluing two words into one token.
        return BeautifulSoup(summary, "lxml").get_text("\n")

    return extract


def _justext() -> Extract:
    import justext

    stoplist = justext.get_stoplist("English")

    def extract(html: str, url: str | None) -> str:
        if not html.strip():
            return ""  # jusText's lxml parser rejects an empty document
        paragraphs = justext.justext(html, stoplist)
        return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return extract


def _beautifulsoup() -> Extract:
    from bs4 import BeautifulSoup

    def extract(html: str, url: str | None) -> str:
        # Everything visible (bs4 leaves out <script>/<style> strings): the recall ceiling.
        return BeautifulSoup(html, "lxml").get_text("\n")

    return extract


EXTRACTORS: dict[str, Callable[[], Extract]] = {
    "content-audit": _content_audit,
    "trafilatura": _trafilatura,
    "resiliparse": _resiliparse,
    "readability": _readability,
    "justext": _justext,
    "bs4-get_text": _beautifulsoup,
}
