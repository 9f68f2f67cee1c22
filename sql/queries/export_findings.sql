-- findings.csv: every finding of the run with its post, evidence and suggested fix.
select
    findings.severity,
    findings.kind,
    findings.site,
    posts.title,
    posts.url,
    findings.message,
    findings.evidence,
    findings.fix_hint,
    round(findings.score, 3) as confidence,
    coalesce(changes.change, 'new') as since_previous_run,
    findings.detector,
    findings.finding_id,
    findings.post_id
from findings
join posts using (run_id, post_id)
left join v_finding_changes as changes
    on changes.run_id = findings.run_id
    and changes.finding_id = findings.finding_id
where findings.run_id = $run_id
order by
    case findings.severity when 'critical' then 0 when 'warning' then 1 else 2 end,
    findings.score desc nulls last,
    posts.url,
    findings.finding_id
