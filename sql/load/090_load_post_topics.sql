delete from post_topics where run_id = $run_id;

insert into post_topics by name
select
    $run_id as run_id,
    post_id,
    topic_id,
    subtopic_id,
    confidence,
    x,
    y
from read_parquet($topics_assignments);
