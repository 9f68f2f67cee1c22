select
    site,
    url,
    status,
    error_class,
    error_message
from pages
where run_id = $run_id
    and not ok
order by site, error_class, url
limit $limit;
