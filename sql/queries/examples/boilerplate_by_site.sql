-- Where each site's page words go: boilerplate category by category.
select site, category, words, page_words, round(share, 3) as share
from v_boilerplate_by_site
where run_id = (select run_id from v_latest_run)
order by site, words desc, category;
