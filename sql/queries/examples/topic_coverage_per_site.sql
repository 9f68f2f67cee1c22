-- How each site's posts spread over the latest run's topics (outliers are a row of their own).
select site, topic_id, label, posts, round(share, 3) as share
from v_site_topic_coverage
where run_id = (select run_id from v_latest_run)
order by site, posts desc, topic_id;
