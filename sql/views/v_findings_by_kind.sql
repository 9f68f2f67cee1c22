create or replace view v_findings_by_kind as
select
    run_id,
    kind,
    count(*) as findings,
    count(*) filter (where severity = 'critical') as critical,
    count(*) filter (where severity = 'warning') as warning,
    count(*) filter (where severity = 'info') as info,
    count(distinct post_id) as posts,
    count(distinct site) as sites,
    avg(score) as avg_score
from findings
group by run_id, kind;

comment on view v_findings_by_kind is
    'Findings of a run per kind: how many, by severity, and how many posts and sites they are on. '
    'Grain: run x kind. Key: (run_id, kind). avg_score is the detectors'' confidence (findings.score, '
    '0-1), not an audit score (audit scores are in post_scores and v_site_summary.avg_audit_score).';
comment on column v_findings_by_kind.run_id is 'The run (runs.run_id).';
comment on column v_findings_by_kind.kind is
    'The finding kind (findings.kind), e.g. thin_content, keyword_stuffing.';
comment on column v_findings_by_kind.findings is 'Findings of the kind, all severities.';
comment on column v_findings_by_kind.critical is 'Findings of the kind with severity critical.';
comment on column v_findings_by_kind.warning is 'Findings of the kind with severity warning.';
comment on column v_findings_by_kind.info is 'Findings of the kind with severity info.';
comment on column v_findings_by_kind.posts is
    'Distinct posts with a finding of the kind; a post with several kinds counts in each, so the sum '
    'over kinds is not the number of posts with findings.';
comment on column v_findings_by_kind.sites is 'Distinct sites with a finding of the kind.';
comment on column v_findings_by_kind.avg_score is
    'Mean detector confidence or strength of the kind''s findings (findings.score, 0-1); NOT the '
    '0-100 audit score. Null when none of them has a score.';
