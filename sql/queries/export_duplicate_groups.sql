-- duplicate_groups.csv: one row per member of each duplicate group, canonical post first.
select
    members.group_id,
    members.is_canonical,
    coalesce(members.relation, 'canonical') as relation,
    members.match_kind,
    round(members.similarity, 3) as similarity,
    members.canonical_rule,
    posts.site,
    posts.title,
    posts.url,
    members.post_id
from duplicate_members as members
join posts using (run_id, post_id)
where members.run_id = $run_id
order by members.group_id, members.is_canonical desc, posts.url
