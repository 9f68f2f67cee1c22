select
    topic_id,
    parent_id,
    label,
    terms,
    size,
    posts,
    n_sites,
    avg_audit_score,
    representatives
from v_topic_summary
where run_id = $run_id
order by size desc, topic_id;
