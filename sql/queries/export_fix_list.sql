-- fix_list.csv: every post of the run, lowest audit score first, with its findings by severity,
-- duplicate role, topic and boilerplate share (one row per post).
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
    audit.post_id
from v_post_audit as audit
where audit.run_id = $run_id
order by audit.audit_score nulls last, audit.findings_critical desc, audit.url
