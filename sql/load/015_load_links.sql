-- The crawl's internal link graph (crawl/links.parquet). Optional: a run crawled before links
-- were recorded has none, and its table stays empty for the run.
delete from links where run_id = $run_id;

insert into links by name
select
    $run_id as run_id,
    site,
    source_url,
    target_url,
    anchor_text,
    position
from read_parquet($crawl_links);
