-- The site rows of v_boilerplate_by_category: one grain, nothing to double count.
create or replace view v_boilerplate_by_site as
select run_id, site, category, words, page_words, share
from v_boilerplate_by_category
where post_id is null;

comment on view v_boilerplate_by_site is
    'Boilerplate words of each site''s posts by category (the site rows of '
    'v_boilerplate_by_category). Grain: run x site x category. Key: (run_id, site, category).';
comment on column v_boilerplate_by_site.run_id is 'The run (runs.run_id).';
comment on column v_boilerplate_by_site.site is 'The site (sites.site).';
comment on column v_boilerplate_by_site.category is
    'Boilerplate category (post_blocks.category), never content.';
comment on column v_boilerplate_by_site.words is
    'Words in the non-main blocks of the category over all the site''s posts.';
comment on column v_boilerplate_by_site.page_words is
    'Visible words over all the site''s posts (posts without this category included).';
comment on column v_boilerplate_by_site.share is
    'words / page_words, 0-1: the share of the site''s page words this category takes.';
