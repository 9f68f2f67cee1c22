-- audit_score is documented as 0-100 (100 = no findings); the "fix first" ranking relies on it.
select post_id, audit_score
from post_scores
where run_id = $run_id
    and (audit_score is null or audit_score < 0 or audit_score > 100);
