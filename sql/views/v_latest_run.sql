-- The most recent run by crawl start (data time), not by load time: reloading an old run must
-- not make it "latest". Ties (or runs that fetched nothing) fall back to run_id order.
create or replace view v_latest_run as
select *
from runs
order by started_at desc nulls last, run_id desc
limit 1;
