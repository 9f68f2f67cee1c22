-- Duplicate groups of the latest run: the canonical post and every copy, one row per copy.
select groups.group_id, groups.canonical_title, groups.canonical_url, member.site, member.url,
    member.relation, member.similarity
from v_duplicate_groups as groups, unnest(groups.members) as m(member)
where groups.run_id = (select run_id from v_latest_run)
    and member.url <> groups.canonical_url
order by groups.group_id, member.url;
