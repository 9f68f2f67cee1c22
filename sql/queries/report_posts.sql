-- Every post of the run for the report's posts table, lowest score first, with its duplicate
-- group's canonical post when it is a copy. `total` is the run's post count, so a page that
-- shows fewer rows can say so.
with canonical as (
    select run_id, group_id, canonical_url, canonical_title
    from v_duplicate_groups
    where run_id = $run_id
)

select
    audit.post_id,
    audit.site,
    audit.url,
    audit.title,
    audit.words,
    audit.audit_score,
    audit.findings,
    audit.findings_critical,
    audit.findings_warning,
    audit.findings_info,
    audit.duplicate_group_id,
    audit.duplicate_role,
    case when audit.duplicate_role <> 'canonical' then canonical.canonical_url end as copy_of_url,
    case when audit.duplicate_role <> 'canonical' then canonical.canonical_title end
        as copy_of_title,
    audit.topic_id,
    audit.topic_label,
    audit.subtopic_id,
    audit.subtopic_label,
    audit.boilerplate_share,
    count(*) over () as total
from v_post_audit as audit
left join canonical
    on canonical.run_id = audit.run_id
    and canonical.group_id = audit.duplicate_group_id
where audit.run_id = $run_id
order by
    audit.audit_score nulls last,
    audit.findings_critical desc,
    audit.findings_warning desc,
    audit.url
limit $limit;
