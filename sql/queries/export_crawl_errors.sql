-- crawl_errors.csv: every URL the crawl failed to fetch or was told not to (robots.txt).
select
    site,
    url,
    status,
    error_class,
    error_message,
    error_class = 'robots_disallowed' as excluded_by_robots
from pages
where run_id = $run_id
    and not ok
order by site, error_class, url
