-- Competing posts of the run, best pair first (v_cannibalization), at most $limit.
select
    site,
    topic_id,
    topic_label,
    score,
    text_similarity,
    title_overlap,
    shared_terms,
    title_a,
    url_a,
    title_b,
    url_b
from v_cannibalization
where run_id = $run_id
order by score desc, site, post_id_a, post_id_b
limit $limit;
