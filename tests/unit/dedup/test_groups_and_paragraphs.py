"""Duplicate groups (canonical rule, relations), shared paragraphs, and the deduplicate core."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.config import DedupConfig
from pipeline.dedup import PostRef, deduplicate
from pipeline.dedup.groups import choose_canonical, connected_groups, group_id, url_key
from pipeline.dedup.paragraphs import shared_paragraphs


def day(n: int) -> datetime:
    return datetime(2024, 1, n, tzinfo=UTC)


def post(pid: str, site: str, text: str = "", **kw: object) -> PostRef:
    return PostRef(pid, site, f"https://{site}.example/{pid}/", text, **kw)  # type: ignore[arg-type]


def test_rel_canonical_wins_over_an_earlier_date() -> None:
    original = post("orig", "alpha", published_at=day(9))
    # The copy is dated earlier (syndication feeds often backdate) but points at the original,
    # with another scheme, no www and no trailing slash: still a match.
    copy = post("copy", "beta", canonical_url="http://alpha.example/orig", published_at=day(1))
    canonical, rule = choose_canonical([copy, original])
    assert (canonical.post_id, rule) == ("orig", "rel_canonical")


def test_self_canonical_is_not_a_vote() -> None:
    a = post("a", "alpha", canonical_url="https://alpha.example/a/", published_at=day(5))
    b = post("b", "beta", canonical_url="https://beta.example/b/", published_at=day(2))
    canonical, rule = choose_canonical([a, b])
    assert (canonical.post_id, rule) == ("b", "earliest_published")


def test_undated_members_fall_back_to_first_seen() -> None:
    a = post("a", "alpha", fetched_at=day(3))
    b = post("b", "alpha", fetched_at=day(2))
    assert choose_canonical([a, b]) == (b, "first_seen")
    # One dated member beats undated ones: an unknown date is no evidence of being first.
    c = post("c", "alpha", published_at=day(20), fetched_at=day(9))
    assert choose_canonical([a, b, c]) == (c, "earliest_published")


def test_url_key() -> None:
    assert url_key("https://www.Site.example/a/b/") == url_key("http://site.example/a/b#top")
    assert url_key("https://site.example/a?p=1") != url_key("https://site.example/a?p=2")


def test_connected_groups_and_group_id() -> None:
    groups = connected_groups(["a", "b", "c", "d", "e"], [("c", "b"), ("a", "b"), ("d", "e")])
    assert groups == [["a", "b", "c"], ["d", "e"]]
    assert group_id(["c", "a", "b"]) == group_id(["a", "b", "c"])
    assert len(group_id(["a"])) == 16


BODY = " ".join(f"Sentence {i} about sleep, stress and recovery after training." for i in range(40))
EDITED = BODY.replace("Sentence 3 about", "Sentence 3 on") + " One more closing line here."
OTHER = " ".join(f"Paragraph {i} on budgeting, savings and rent for students." for i in range(40))


def test_deduplicate_groups_with_relation_and_rule() -> None:
    posts = [
        post("p1", "alpha", BODY, published_at=day(1)),
        post("p2", "alpha", BODY.replace("'", "’").upper(), published_at=day(4)),  # exact
        post("p3", "beta", EDITED, published_at=day(2)),  # near, other site
        post("p4", "beta", OTHER, published_at=day(3)),
        post("p5", "beta", ""),
        post("p1", "gamma", BODY),
    ]
    result = deduplicate(posts, DedupConfig())
    assert result.dropped == {"empty_text": 1, "duplicate_post_id": 1}
    kinds = {(p.post_id_a, p.post_id_b): p.match_kind for p in result.pairs}
    assert kinds == {("p1", "p2"): "exact", ("p1", "p3"): "near", ("p2", "p3"): "near"}
    members = {m.post_id: m for m in result.members}
    assert set(members) == {"p1", "p2", "p3"}
    assert len({m.group_id for m in result.members}) == 1
    assert members["p1"].is_canonical and members["p1"].relation == "canonical"
    assert (members["p2"].match_kind, members["p2"].relation) == ("exact", "same_site")
    assert (members["p3"].match_kind, members["p3"].relation) == ("near", "syndicated")
    assert {m.canonical_rule for m in result.members} == {"earliest_published"}
    assert members["p2"].similarity == 1.0 and 0.8 <= members["p3"].similarity < 1.0
    assert result.counts["exact_pairs"] == 1 and result.counts["near_pairs"] == 2
    assert result.counts["groups"] == 1 and result.counts["grouped_posts"] == 3
    assert result.counts["posts"] == 6 and result.counts["compared_posts"] == 4


def test_member_similarity_is_to_the_canonical_even_when_only_linked_transitively() -> None:
    words = [f"w{i}" for i in range(200)]
    a = " ".join(words)
    b = " ".join(words[:190] + [f"x{i}" for i in range(10)])  # J(a, b) = 186/206 = 0.903
    c = " ".join([f"y{i}" for i in range(10)] + b.split()[10:])  # J(b, c) = 0.903
    posts = [post("a", "s", a, published_at=day(1)), post("b", "s", b), post("c", "s", c)]
    result = deduplicate(posts, DedupConfig(threshold=0.9))
    pairs = {(p.post_id_a, p.post_id_b) for p in result.pairs}
    assert ("a", "c") not in pairs  # J(a, c) = 176/216 = 0.815 < 0.9: linked only through b
    members = {m.post_id: m for m in result.members}
    assert set(members) == {"a", "b", "c"}
    assert members["a"].is_canonical
    assert abs(members["c"].similarity - 176 / 216) < 1e-9


def test_shared_paragraphs_scope_and_counts() -> None:
    disclaimer = "This article is for information only and is not a substitute for medical advice."
    promo = "Get 20% off your first month of coaching with code CALM20 at checkout today only."
    posts = [
        ("p1", "alpha", f"Intro one.\n\n{disclaimer}\n\n{promo}\n\n{promo}"),
        ("p2", "alpha", f"Intro two.\n\n{promo}"),
        ("p3", "beta", f"Intro three.\n  \n{disclaimer.upper()}\n\nRead more"),
        ("p4", "beta", "Read more"),
    ]
    shared = {p.text: p for p in shared_paragraphs(posts, min_chars=60)}
    assert set(shared) == {disclaimer, promo}  # "Read more" is under 60 characters
    assert shared[disclaimer].post_ids == ("p1", "p3")
    assert (shared[disclaimer].scope, shared[disclaimer].n_sites) == ("cross_site", 2)
    # Repeated twice in p1, once in p2: two posts, not three.
    assert (shared[promo].n_posts, shared[promo].scope) == (2, "within_site")


def test_paragraphs_of_text_without_blank_lines_are_its_lines() -> None:
    line = "A long enough line of advice about hydration and sleep for runners in summer."
    shared = shared_paragraphs([("a", "s", f"{line}\nOther a."), ("b", "t", f"x\n{line}")], 60)
    assert [p.post_ids for p in shared] == [("a", "b")]
