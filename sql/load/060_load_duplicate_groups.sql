-- Groups are derived from the members just loaded (050), so this file reads no Parquet and
-- always runs: with no dedup input the run simply has no groups.
delete from duplicate_groups where run_id = $run_id;

insert into duplicate_groups by name
with members as (
    select
        duplicate_members.group_id,
        duplicate_members.post_id,
        duplicate_members.is_canonical,
        duplicate_members.canonical_rule,
        posts.site
    from duplicate_members
    left join posts
        on posts.run_id = duplicate_members.run_id
        and posts.post_id = duplicate_members.post_id
    where duplicate_members.run_id = $run_id
)

-- A group should have exactly one canonical member; chk_duplicate_groups_without_one_canonical
-- fails the load otherwise, so max() here never has to choose between two.
select
    $run_id as run_id,
    group_id,
    max(post_id) filter (where is_canonical) as canonical_post_id,
    count(*) as size,
    count(distinct site) as n_sites,
    max(canonical_rule) filter (where is_canonical) as canonical_rule
from members
group by group_id;
