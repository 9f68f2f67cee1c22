select post_scores.post_id, post_scores.audit_score
from post_scores
anti join posts
    on posts.run_id = post_scores.run_id
    and posts.post_id = post_scores.post_id
where post_scores.run_id = $run_id;
