-- A post's subtopic must be a subtopic of the post's own topic.
select post_topics.post_id, post_topics.topic_id, post_topics.subtopic_id
from post_topics
anti join topics
    on topics.run_id = post_topics.run_id
    and topics.topic_id = post_topics.subtopic_id
    and topics.parent_id = post_topics.topic_id
where post_topics.run_id = $run_id
    and post_topics.subtopic_id is not null;
