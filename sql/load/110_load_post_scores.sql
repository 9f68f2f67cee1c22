delete from post_scores where run_id = $run_id;

insert into post_scores by name
select
    $run_id as run_id,
    post_id,
    audit_score,
    n_findings,
    boilerplate_share
from read_parquet($audit_scores);
