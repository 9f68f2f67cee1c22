-- Per run, site and topic: how many of the site's posts are in the topic and what share of the
-- site that is; outliers (topic -1) are a row of their own, so shares add up to 1 per site.
create or replace view v_site_topic_coverage as
with counted as (
    select
        post_topics.run_id,
        posts.site,
        post_topics.topic_id,
        count(*) as posts
    from post_topics
    join posts
        on posts.run_id = post_topics.run_id
        and posts.post_id = post_topics.post_id
    group by post_topics.run_id, posts.site, post_topics.topic_id
)

select
    counted.run_id,
    counted.site,
    counted.topic_id,
    case when counted.topic_id = -1 then '(outliers)' else topics.label end as label,
    counted.posts,
    counted.posts / sum(counted.posts) over (partition by counted.run_id, counted.site) as share
from counted
left join topics
    on topics.run_id = counted.run_id
    and topics.topic_id = counted.topic_id;
