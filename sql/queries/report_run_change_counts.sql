-- Totals per change kind, so the report can say "3 new, 1 removed" beyond the listed rows.
select
    previous_run_id,
    site,
    count(*) filter (where change = 'new') as new,
    count(*) filter (where change = 'removed') as removed,
    count(*) filter (where change = 'score_changed') as score_changed,
    count(*) filter (where change = 'text_changed') as text_changed,
    count(*) filter (where change = 'unchanged') as unchanged
from v_run_changes
where run_id = $run_id
group by previous_run_id, site
order by site;
