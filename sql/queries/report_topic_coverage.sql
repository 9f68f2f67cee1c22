-- Per broad topic and site: the share of the site's posts in the topic (v_site_topic_coverage),
-- for the report's coverage table; a topic a site barely covers shows as a gap.
select
    site,
    topic_id,
    posts,
    share
from v_site_topic_coverage
where run_id = $run_id
    and topic_id >= 0
order by site, topic_id;
