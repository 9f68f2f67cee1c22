select
    kind,
    findings,
    critical,
    warning,
    info,
    posts,
    sites,
    avg_score
from v_findings_by_kind
where run_id = $run_id
order by findings desc, kind;
