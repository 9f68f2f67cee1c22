delete from topics where run_id = $run_id;

insert into topics by name
select
    $run_id as run_id,
    topic_id,
    label,
    terms,
    size,
    representative_post_ids,
    previous_similarity,
    parent_id
from read_parquet($topics_topics);
