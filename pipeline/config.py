"""Configuration: one YAML file, validated once at the edge, failing before any fetch.

Errors name the key, its line in the file and the fix, e.g.::

    sites.yaml:4: sites[0].urll: unknown key (did you mean 'url'?)
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import typing
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from pipeline.paths import check_site_name

DEFAULT_USER_AGENT = "content-audit/0.1 (+https://github.com/content-audit/content-audit)"


class ConfigError(ValueError):
    """A configuration problem a user can fix; the message names the key and the fix."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteConfig(_Strict):
    name: str = Field(description="Short site name: lowercase letters, digits, '-' and '_'.")
    url: HttpUrl = Field(description="Start URL (home page) of the site.")
    max_pages: int = Field(500, ge=1, le=1_000_000, description="Most URLs fetched for the site.")
    max_depth: int = Field(3, ge=0, le=50, description="Link-following depth from the start URL.")
    include: list[str] = Field(
        default_factory=list,
        description="Regular expressions; when given, a page URL must match one (re.search).",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Regular expressions; a page URL matching any is out of scope.",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return check_site_name(v)

    @field_validator("include", "exclude")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(
                    f"{pattern!r} is not a valid regular expression ({exc}); "
                    "escape literal characters such as '?' or '(' with a backslash"
                ) from None
        return v

    def url_wanted(self, url: str) -> bool:
        """The include/exclude patterns' verdict on a page URL (scope and robots aside)."""
        if self.include and not any(re.search(p, url) for p in self.include):
            return False
        return not any(re.search(p, url) for p in self.exclude)


class CrawlConfig(_Strict):
    delay_s: float = Field(
        1.0, ge=0, le=600, description="Minimum delay between requests per host."
    )
    concurrency_per_host: int = Field(2, ge=1, le=32)
    concurrency: int = Field(8, ge=1, le=256, description="Global cap on requests in flight.")
    timeout_s: float = Field(20.0, gt=0, le=600, description="Total timeout per request.")
    connect_timeout_s: float = Field(10.0, gt=0, le=600)
    retries: int = Field(3, ge=0, le=10, description="Retries for retryable failures.")
    max_body_bytes: int = Field(5_000_000, ge=1024, description="Largest body kept, in bytes.")
    max_redirects: int = Field(10, ge=0, le=50)
    respect_robots: bool = True
    incremental: bool = Field(
        True,
        description="Send the previous run's ETag/Last-Modified as conditional requests; "
        "304 and same-hash pages are marked unchanged.",
    )


class DedupConfig(_Strict):
    threshold: float = Field(0.8, gt=0, le=1, description="Jaccard threshold for near duplicates.")
    shingle_size: int = Field(5, ge=1, le=20, description="Words per shingle.")
    num_perm: int = Field(
        128, ge=16, le=1024, description="MinHash signature slots (one-permutation hashing)."
    )
    min_paragraph_chars: int = Field(60, ge=1, description="Shorter paragraphs are not compared.")
    seed: int = 1


class TopicsConfig(_Strict):
    k: int | None = Field(
        None, ge=2, le=500, description="Fix the number of topics (default: auto)."
    )
    max_k: int = Field(20, ge=2, le=500, description="Largest k tried when choosing automatically.")
    random_state: int = 0
    assign_only: bool = Field(
        False,
        description="Assign posts to the previous run's topics without refitting "
        "(CLI: topics --assign-only).",
    )
    refit_min_changed: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="With a previous model, refit only when at least this share of the run's "
        "posts is new or edited since the run that model was fitted on; below it, posts are "
        "assigned to its topics (as assign_only). 0 refits every run.",
    )


class DetectorsConfig(_Strict):
    thin_content_words: int = Field(300, ge=1, description="Posts with fewer words are thin.")
    stuffing_natural_percentile: Literal[90, 95, 98, 99] = Field(
        99,
        description="A title phrase is stuffed above this percentile of the density real "
        "articles give a title phrase of the same length (pipeline/audit/natural.py).",
    )
    stuffing_min_repeats: int = Field(3, ge=2, description="Occurrences before a phrase counts.")
    stuffing_glued_min: int = Field(
        2, ge=0, description="Wedged occurrences the title's 3-4-word keyphrase needs (5+ uses)."
    )
    stuffing_openers_min: int = Field(
        3, ge=2, description="Headings (title included) opening with one phrase that are stuffing."
    )
    max_age_days: int = Field(
        1095, ge=1, description="Health posts last updated longer ago than this are stale."
    )
    readability_min_ease: float = Field(
        50.0, ge=0, le=100, description="Flag posts below this Flesch reading ease."
    )
    readability_max_grade: float = Field(
        10.0, gt=0, le=30, description="Flag posts at or above this Flesch-Kincaid grade."
    )


class ReportConfig(_Strict):
    title: str = "Content audit"


class Config(_Strict):
    """The whole configuration file."""

    user_agent: str = Field(DEFAULT_USER_AGENT, min_length=3)
    sites: list[SiteConfig] = Field(min_length=1)
    crawl: CrawlConfig = CrawlConfig()
    dedup: DedupConfig = DedupConfig()
    topics: TopicsConfig = TopicsConfig()
    audit: DetectorsConfig = DetectorsConfig()
    report: ReportConfig = ReportConfig()

    @field_validator("sites")
    @classmethod
    def _unique_names(cls, v: list[SiteConfig]) -> list[SiteConfig]:
        names = [s.name for s in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"site names must be unique; repeated: {', '.join(dupes)}")
        return v

    @field_validator("sites")
    @classmethod
    def _disjoint_scopes(cls, v: list[SiteConfig]) -> list[SiteConfig]:
        # A site whose start URL lies in another's crawl scope would have its pages crawled
        # twice, once per site, and each post would belong to both (one post id, two rows).
        for i, outer in enumerate(v):
            for j, inner in enumerate(v):
                if (
                    i != j
                    and _inside(str(inner.url), str(outer.url))
                    and outer.url_wanted(str(inner.url))
                ):
                    raise ValueError(
                        f"sites[{j}] ({inner.name}, {inner.url}) lies inside the crawl scope of "
                        f"sites[{i}] ({outer.name}, {outer.url}), so its pages would belong to "
                        f"both; add an exclude to sites[{i}] (e.g. exclude: "
                        f"['^{re.escape(str(inner.url))}']) or remove one of them"
                    )
        return v

    def site(self, name: str) -> SiteConfig:
        for s in self.sites:
            if s.name == name:
                return s
        raise KeyError(name)

    def config_hash(self) -> str:
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _inside(url: str, site_url: str) -> bool:
    """``url`` is under ``site_url``'s scope: same scheme, host and port, and a path under the
    site's path up to its last '/' (the rule of ``pipeline.crawl.urls.in_scope``)."""
    target, site = urlsplit(url), urlsplit(site_url)
    if (target.scheme, target.netloc.lower()) != (site.scheme, site.netloc.lower()):
        return False
    prefix = site.path[: site.path.rfind("/") + 1] or "/"
    return (target.path or "/").startswith(prefix)


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML config file; raise ConfigError naming the key, line and fix."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read config file: {exc}") from None
    return parse_config(text, source=str(p))


def parse_config(text: str, source: str = "<config>") -> Config:
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{source}{line}: malformed YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: malformed YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: the config must be a mapping with 'sites:' (and optionally "
            "'user_agent:', 'crawl:', 'dedup:', 'topics:', 'audit:', 'report:')"
        )
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, root, source)) from None


def _describe(exc: ValidationError, root: yaml.Node | None, source: str) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = _dotted(loc)
        line = _line_of(root, loc)
        where = f"{source}:{line}" if line else source
        if err["type"] == "extra_forbidden":
            hint = REMOVED_KEYS.get(str(loc[-1])) or _did_you_mean(loc)
            lines.append(f"{where}: {key}: unknown key{hint}")
        elif err["type"] == "missing":
            lines.append(f"{where}: {key}: required key is missing; add '{loc[-1]}:'")
        else:
            lines.append(f"{where}: {key}: {err['msg']} (got {err.get('input')!r})")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    best = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((k for k, _ in node.value if k.value == part), None)
            if match is None:
                break
            best = match.start_mark.line + 1
            node = next(v for k, v in node.value if k is match)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            best = node.start_mark.line + 1
        else:
            break
    return best


# Keys a release removed, with what replaces them (a config written for an older release fails
# naming the fix rather than "unknown key").
REMOVED_KEYS = {
    "stuffing_density": "; removed: keyword stuffing is now measured against what real articles "
    "do for a title phrase of the same length; use 'stuffing_natural_percentile' (default 99)",
}


def _did_you_mean(loc: tuple[Any, ...]) -> str:
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return ""
        # list[SiteConfig] -> SiteConfig; a plain section model stays itself.
        candidates: tuple[object, ...] = (field.annotation, *typing.get_args(field.annotation))
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), model
        )
    known = list(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), known, n=1)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f"; allowed keys: {', '.join(known)}"


def snapshot(config: Config) -> str:
    """The config as JSON, stored with the run so later stages run with the same settings."""
    return json.dumps(config.model_dump(mode="json"), indent=2, sort_keys=True)


def from_snapshot(text: str) -> Config:
    return Config.model_validate(json.loads(text))
