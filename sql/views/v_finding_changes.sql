-- For each run and site: the findings that are new, fixed or persisting against the previous
-- succeeded run of the same site, matched by finding_id (stable across runs: a hash of the post,
-- the kind and the evidence). A site's first run has only new findings.
create or replace view v_finding_changes as
with previous as (
    select run_id, site, previous_run_id from v_site_runs
),

current_findings as (
    select previous.previous_run_id, findings.*
    from findings
    join previous using (run_id, site)
),

previous_findings as (
    select previous.run_id as compared_run_id, findings.*
    from findings
    join previous
        on previous.previous_run_id = findings.run_id
        and previous.site = findings.site
)

select
    coalesce(cur.run_id, prev.compared_run_id) as run_id,
    coalesce(cur.previous_run_id, prev.run_id) as previous_run_id,
    coalesce(cur.site, prev.site) as site,
    coalesce(cur.finding_id, prev.finding_id) as finding_id,
    case
        when prev.finding_id is null then 'new'
        when cur.finding_id is null then 'fixed'
        else 'persisting'
    end as change,
    coalesce(cur.post_id, prev.post_id) as post_id,
    coalesce(cur.kind, prev.kind) as kind,
    coalesce(cur.severity, prev.severity) as severity,
    coalesce(cur.evidence, prev.evidence) as evidence
from current_findings as cur
full outer join previous_findings as prev
    on prev.compared_run_id = cur.run_id
    and prev.finding_id = cur.finding_id;

comment on view v_finding_changes is
    'Findings new, fixed or persisting in a run against the previous succeeded run of the same '
    'site, by finding_id (a finding of a post no longer crawled counts as fixed). Grain: run x '
    'finding (fixed findings carry the previous run''s values). '
    'Key: (run_id, finding_id).';
comment on column v_finding_changes.run_id is 'The run (runs.run_id).';
comment on column v_finding_changes.previous_run_id is 'The previous succeeded run of the site; null for the site''s first run.';
comment on column v_finding_changes.site is 'The site (sites.site).';
comment on column v_finding_changes.finding_id is 'The finding (findings.finding_id), stable across runs.';
comment on column v_finding_changes.change is 'new (not in the previous run), fixed (only in the previous run) or persisting.';
comment on column v_finding_changes.post_id is 'The post the finding is on.';
comment on column v_finding_changes.kind is 'The finding''s kind (findings.kind).';
comment on column v_finding_changes.severity is 'info, warning or critical.';
comment on column v_finding_changes.evidence is 'The quoted evidence.';
