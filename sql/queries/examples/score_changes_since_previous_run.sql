-- Posts whose score moved since the previous run of their site, worst drop first (moved posts
-- included: the comparison is by post_key, not URL). Add `and score_delta < 0` for the ones
-- that got worse only.
select site, title, url, previous_audit_score, audit_score, score_delta, previous_n_findings,
    n_findings
from v_run_changes
where run_id = (select run_id from v_latest_run)
    and score_delta <> 0
order by score_delta, url;
