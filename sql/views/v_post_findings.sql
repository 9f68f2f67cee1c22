-- Findings with the post they are about, ready to filter by site, kind or severity.
create or replace view v_post_findings as
select
    findings.run_id,
    findings.finding_id,
    findings.post_id,
    findings.site,
    posts.title,
    posts.url,
    post_scores.audit_score,
    findings.kind,
    findings.severity,
    -- numeric rank so "worst first" sorts the same everywhere
    case findings.severity when 'critical' then 3 when 'warning' then 2 else 1 end
        as severity_rank,
    findings.score,
    findings.message,
    findings.evidence,
    findings.start,
    findings."end",
    findings.fix_hint,
    findings.detector
from findings
left join posts
    on posts.run_id = findings.run_id
    and posts.post_id = findings.post_id
left join post_scores
    on post_scores.run_id = findings.run_id
    and post_scores.post_id = findings.post_id;
