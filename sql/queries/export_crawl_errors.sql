-- crawl_errors.csv: every URL the crawl failed to fetch or was told not to (robots.txt), with
-- how many pages link to it and which (space-separated): edit those pages to fix the link.
with sources as (
    select
        site,
        target_url,
        count(*) as inlinks,
        string_agg(source_url, ' ' order by source_url) as linked_from
    from v_broken_links
    where run_id = $run_id
    group by site, target_url
)

select
    pages.site,
    pages.url,
    pages.status,
    pages.error_class,
    pages.error_message,
    pages.error_class = 'robots_disallowed' as excluded_by_robots,
    coalesce(sources.inlinks, 0) as inlinks,
    sources.linked_from
from pages
left join sources
    on sources.site = pages.site
    and sources.target_url = pages.url
where pages.run_id = $run_id
    and not pages.ok
order by pages.site, pages.error_class, pages.url
