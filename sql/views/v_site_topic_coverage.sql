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

comment on view v_site_topic_coverage is
    'How a site''s posts spread over the broad topics of a run: posts and share per topic, outliers '
    '(topic_id -1) a row of their own, so shares add up to 1 per run and site. Subtopics are not '
    'broken out (see post_topics.subtopic_id). Grain: run x site x topic. Key: (run_id, site, topic_id).';
comment on column v_site_topic_coverage.run_id is 'The run (runs.run_id).';
comment on column v_site_topic_coverage.site is 'The site (sites.site).';
comment on column v_site_topic_coverage.topic_id is
    'The broad topic (post_topics.topic_id, topics.topic_id); -1 = outliers.';
comment on column v_site_topic_coverage.label is
    'The topic''s top terms, comma-separated (topics.label); ''(outliers)'' for topic -1.';
comment on column v_site_topic_coverage.posts is
    'The site''s posts assigned to the topic (post_topics rows).';
comment on column v_site_topic_coverage.share is
    'posts / the site''s posts with a topic assignment in the run (outliers included), 0-1.';
