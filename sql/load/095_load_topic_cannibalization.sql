delete from topic_cannibalization where run_id = $run_id;

insert into topic_cannibalization by name
select
    $run_id as run_id,
    site,
    topic_id,
    post_id_a,
    post_id_b,
    text_similarity,
    title_overlap,
    score,
    shared_terms
from read_parquet($topics_cannibalization);
