-- Load the crawl's attempted URLs, with what extract made of each fetched page.
-- A rerun replaces the run's rows (delete, then insert, in the load's single transaction).
-- run_id is the bound $run_id rather than the file's column: RunPaths puts every file under
-- runs/<run_id>/, so the directory is what names the run.
delete from pages where run_id = $run_id;

insert into pages by name
with crawled as (
    select * from read_parquet($crawl_pages)
),

-- Documents cover fetched HTML pages only; failed fetches keep null page_type and reason.
extracted as (
    select site, url, post_id, page_type, reason from read_parquet($extract_documents)
)

select
    $run_id as run_id,
    crawled.site,
    crawled.url,
    crawled.final_url,
    crawled.status,
    crawled.ok,
    crawled.error_class,
    crawled.error_message,
    crawled.content_type,
    crawled.bytes,
    crawled.elapsed_ms,
    crawled.fetched_at,
    crawled.robots_allowed,
    crawled.retries,
    crawled.depth,
    crawled.discovered_via,
    crawled.redirect_chain,
    crawled.warc_file,
    crawled.warc_offset,
    crawled.etag,
    crawled.last_modified,
    crawled.content_sha1,
    crawled.previous_run_id,
    crawled.unchanged,
    crawled.canonical_url,
    extracted.post_id,
    extracted.page_type,
    extracted.reason
from crawled
-- Extract names a page by the URL its body came from: a redirected URL's row matches through
-- its final_url, or the page it landed on would look unclassified.
left join extracted
    on extracted.site = crawled.site
    and extracted.url = coalesce(crawled.final_url, crawled.url);
