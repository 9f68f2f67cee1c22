"""robots.txt policy per RFC 9309: what the crawler may fetch, how slowly, and which sitemaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

# RFC 9309 2.3.1.3: a robots.txt larger than this may be truncated; at least 500 KiB must be read.
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class RobotsPolicy:
    """The rules of one origin for one user agent.

    ``allow_all``/``disallow_all`` cover the cases where no file could be parsed: a 4xx means
    "no restrictions" (RFC 9309 2.3.1.3), an unreachable or 5xx file means "assume complete
    disallow" (2.3.1.4).
    """

    user_agent: str
    parser: Protego | None = None
    disallow_all: bool = False
    reason: str = ""  # why disallow_all holds, for the pages rows
    sitemaps: tuple[str, ...] = field(default=())

    def allowed(self, url: str) -> bool:
        if self.disallow_all:
            return False
        if self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, self.user_agent))

    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None


def policy_from_response(status: int | None, body: bytes, user_agent: str) -> RobotsPolicy:
    """The policy implied by fetching robots.txt: ``status`` None means it was unreachable."""
    if status is None or status >= 500 or status == 429:
        # 429 is not in RFC 9309, but Google and Bing treat it like 5xx: the server is
        # overloaded, not saying "no rules".
        what = "unreachable" if status is None else f"status {status}"
        return RobotsPolicy(user_agent, disallow_all=True, reason=f"robots.txt {what}")
    if 400 <= status < 500:
        return RobotsPolicy(user_agent)
    text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
    parser = Protego.parse(text)
    return RobotsPolicy(user_agent, parser=parser, sitemaps=tuple(parser.sitemaps))


def allow_everything(user_agent: str) -> RobotsPolicy:
    """The policy when ``crawl.respect_robots`` is off."""
    return RobotsPolicy(user_agent)
