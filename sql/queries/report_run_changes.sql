-- Changes since the previous run, biggest score movements first; unchanged posts are left out.
select
    previous_run_id,
    site,
    url,
    title,
    change,
    audit_score,
    previous_audit_score,
    score_delta,
    n_findings,
    previous_n_findings
from v_run_changes
where run_id = $run_id
    and change <> 'unchanged'
order by
    case change when 'score_changed' then 0 when 'new' then 1 when 'removed' then 2 else 3 end,
    abs(score_delta) desc nulls last,
    site,
    url
limit $limit;
