-- Every fetched HTML page is a post or carries a reason: none may pass the load unclassified.
-- (Bodies that are not HTML, robots.txt, sitemaps and feeds, are not pages to audit.)
select site, url, final_url, content_type, page_type, reason
from pages
where run_id = $run_id
    and ok
    and split_part(lower(content_type), ';', 1) in ('text/html', 'application/xhtml+xml')
    and (page_type is null or (page_type <> 'post' and reason is null));
