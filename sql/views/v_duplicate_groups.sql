-- Each duplicate group with its canonical post and the list of members (canonical first).
create or replace view v_duplicate_groups as
with members as (
    select
        duplicate_members.run_id,
        duplicate_members.group_id,
        struct_pack(
            post_id := duplicate_members.post_id,
            site := posts.site,
            title := posts.title,
            url := posts.url,
            is_canonical := duplicate_members.is_canonical,
            relation := duplicate_members.relation,
            match_kind := duplicate_members.match_kind,
            similarity := duplicate_members.similarity
        ) as member,
        duplicate_members.is_canonical,
        duplicate_members.similarity,
        posts.url
    from duplicate_members
    left join posts
        on posts.run_id = duplicate_members.run_id
        and posts.post_id = duplicate_members.post_id
),

member_lists as (
    select
        run_id,
        group_id,
        list(member order by is_canonical desc, similarity desc, url) as members
    from members
    group by run_id, group_id
)

select
    duplicate_groups.run_id,
    duplicate_groups.group_id,
    duplicate_groups.canonical_post_id,
    canonical.site as canonical_site,
    canonical.title as canonical_title,
    canonical.url as canonical_url,
    duplicate_groups.canonical_rule,
    cast(duplicate_groups.size as bigint) as size,
    cast(duplicate_groups.n_sites as bigint) as n_sites,
    member_lists.members
from duplicate_groups
left join posts as canonical
    on canonical.run_id = duplicate_groups.run_id
    and canonical.post_id = duplicate_groups.canonical_post_id
left join member_lists
    on member_lists.run_id = duplicate_groups.run_id
    and member_lists.group_id = duplicate_groups.group_id;

comment on view v_duplicate_groups is
    'Duplicate groups of a run with the canonical post''s site, title and URL and the list of its '
    'members (canonical first, then by similarity to it, highest first, then URL). Grain: run x '
    'group. Key: (run_id, group_id). For one row per member, unnest(members) or use duplicate_members.';
comment on column v_duplicate_groups.run_id is 'The run (runs.run_id).';
comment on column v_duplicate_groups.group_id is 'The group (duplicate_groups.group_id), assigned by dedup.';
comment on column v_duplicate_groups.canonical_post_id is
    'The post kept as the original (duplicate_groups.canonical_post_id, posts.post_id).';
comment on column v_duplicate_groups.canonical_site is 'The canonical post''s site (posts.site).';
comment on column v_duplicate_groups.canonical_title is
    'The canonical post''s title (scraped text: escape before display).';
comment on column v_duplicate_groups.canonical_url is
    'The canonical post''s final URL (posts.url); not the rel=canonical URL (posts.canonical_url).';
comment on column v_duplicate_groups.canonical_rule is
    'How the canonical was chosen: rel_canonical | earliest_published | first_seen.';
comment on column v_duplicate_groups.size is 'Posts in the group, canonical included (copies = size - 1).';
comment on column v_duplicate_groups.n_sites is 'Distinct sites the group spans (>1 means syndication).';
comment on column v_duplicate_groups.members is
    'The member posts, canonical first: a list of struct(post_id, site, title, url, is_canonical, '
    'relation (canonical | same_site | syndicated), match_kind (canonical | exact | near), similarity '
    '(Jaccard to the canonical, 0-1)). Titles are scraped text: escape before display.';
