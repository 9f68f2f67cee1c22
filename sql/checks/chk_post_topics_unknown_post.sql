select post_topics.post_id, post_topics.topic_id
from post_topics
anti join posts
    on posts.run_id = post_topics.run_id
    and posts.post_id = post_topics.post_id
where post_topics.run_id = $run_id;
