-- fix_list.csv: every post of the run, lowest audit score first, with its findings by severity,
-- duplicate role, topic, boilerplate share and whether any page of its site links to it.
with orphans as (
    select post_id from v_orphan_posts where run_id = $run_id
)

select
    audit.audit_score,
    audit.site,
    audit.title,
    audit.url,
    audit.findings,
    audit.findings_critical as critical,
    audit.findings_warning as warnings,
    audit.findings_info as notes,
    audit.words,
    audit.boilerplate_share,
    audit.duplicate_group_id,
    audit.duplicate_role,
    audit.topic_label as topic,
    audit.subtopic_label as subtopic,
    orphans.post_id is not null as linked_from_nowhere,
    audit.post_id
from v_post_audit as audit
left join orphans using (post_id)
where audit.run_id = $run_id
order by audit.audit_score nulls last, audit.findings_critical desc, audit.url
