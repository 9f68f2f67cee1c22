-- One point per post for the topic map; outliers (topic -1) included so the map shows them.
select
    post_topics.post_id,
    post_topics.topic_id,
    post_topics.x,
    post_topics.y,
    posts.title
from post_topics
left join posts
    on posts.run_id = post_topics.run_id
    and posts.post_id = post_topics.post_id
where post_topics.run_id = $run_id
    and post_topics.x is not null
    and post_topics.y is not null
order by post_topics.topic_id, post_topics.post_id;
