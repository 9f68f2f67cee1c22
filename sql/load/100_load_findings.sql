delete from findings where run_id = $run_id;

insert into findings by name
select
    $run_id as run_id,
    finding_id,
    post_id,
    site,
    kind,
    severity,
    score,
    message,
    evidence,
    start,
    "end",
    fix_hint,
    detector
from read_parquet($audit_findings);
