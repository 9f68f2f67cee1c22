-- topic_id -1 marks outliers and has no row in topics by design.
select post_topics.post_id, post_topics.topic_id
from post_topics
anti join topics
    on topics.run_id = post_topics.run_id
    and topics.topic_id = post_topics.topic_id
where post_topics.run_id = $run_id
    and post_topics.topic_id <> -1;
