-- The most recent run by crawl start (data time), not by load time: reloading an old run must
-- not make it "latest". Ties fall back to run_id order. Only succeeded runs: a run that failed
-- or fetched nothing never becomes "latest" (runs.status).
create or replace view v_latest_run as
select *
from runs
where status = 'succeeded'
order by started_at desc nulls last, run_id desc
limit 1;
