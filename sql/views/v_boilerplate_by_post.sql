-- The post rows of v_boilerplate_by_category: one grain, nothing to double count.
create or replace view v_boilerplate_by_post as
select run_id, site, post_id, category, words, page_words, share
from v_boilerplate_by_category
where post_id is not null;

comment on view v_boilerplate_by_post is
    'Boilerplate words of each post by category (the post rows of v_boilerplate_by_category). '
    'A category with no words on the post has no row. Grain: run x post x category. '
    'Key: (run_id, post_id, category).';
comment on column v_boilerplate_by_post.run_id is 'The run (runs.run_id).';
comment on column v_boilerplate_by_post.site is 'The post''s site (sites.site).';
comment on column v_boilerplate_by_post.post_id is 'The post (posts.post_id).';
comment on column v_boilerplate_by_post.category is
    'Boilerplate category (post_blocks.category), never content.';
comment on column v_boilerplate_by_post.words is 'Words in the post''s non-main blocks of the category.';
comment on column v_boilerplate_by_post.page_words is 'The post''s visible words (posts.page_words).';
comment on column v_boilerplate_by_post.share is
    'words / page_words, 0-1; null when page_words is 0.';
