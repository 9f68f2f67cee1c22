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
