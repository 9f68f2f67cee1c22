-- The one-screen summary printed at the end of `content-audit run` / `make demo`.
-- Grain: one row for the run $run_id.
select
    (select count(*) from sites where run_id = $run_id) as sites,
    (select count(*) from pages where run_id = $run_id) as urls_attempted,
    (select count(*) from pages where run_id = $run_id and ok) as pages_fetched,
    (select count(*) from pages where run_id = $run_id and not ok) as page_errors,
    (select count(*) from posts where run_id = $run_id) as posts,
    (select count(*) from duplicate_groups where run_id = $run_id) as duplicate_groups,
    (select count(*) from topics where run_id = $run_id and topic_id >= 0 and parent_id is null)
        as topics,
    (select count(distinct post_id) from findings where run_id = $run_id) as posts_with_findings,
    (select count(*) from findings where run_id = $run_id) as findings
