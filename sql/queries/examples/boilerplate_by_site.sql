-- Where each site's page words go: boilerplate category by category, site rows only (post rows
-- of the same view would double count).
select site, category, words, page_words, round(share, 3) as share
from v_boilerplate_by_category
where run_id = (select run_id from v_latest_run)
    and post_id is null
order by site, words desc, category;
