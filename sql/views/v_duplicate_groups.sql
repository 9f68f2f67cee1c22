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
    duplicate_groups.size,
    duplicate_groups.n_sites,
    member_lists.members
from duplicate_groups
left join posts as canonical
    on canonical.run_id = duplicate_groups.run_id
    and canonical.post_id = duplicate_groups.canonical_post_id
left join member_lists
    on member_lists.run_id = duplicate_groups.run_id
    and member_lists.group_id = duplicate_groups.group_id;
