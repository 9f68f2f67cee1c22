-- Boilerplate by category, per post and per site rollup (grouping sets): the share of the page's
-- words that each template category takes (navigation, promo, legal, author_meta, related,
-- comments_forms, share, cookie, other). post_id is null on the site rows; page_words is the
-- denominator (the post's visible words, or the site's total).
create or replace view v_boilerplate_by_category as
with block_words as (
    select
        post_blocks.run_id,
        post_blocks.site,
        post_blocks.post_id,
        post_blocks.category,
        cast(sum(post_blocks.word_count) as bigint) as words
    from post_blocks
    where not post_blocks.is_main
    group by post_blocks.run_id, post_blocks.site, post_blocks.post_id, post_blocks.category
),

per_post as (
    select
        block_words.run_id,
        block_words.site,
        block_words.post_id,
        block_words.category,
        block_words.words,
        posts.page_words
    from block_words
    join posts
        on posts.run_id = block_words.run_id
        and posts.post_id = block_words.post_id
),

site_pages as (
    select run_id, site, cast(sum(page_words) as bigint) as page_words
    from posts
    group by run_id, site
),

per_site as (
    select
        per_post.run_id,
        per_post.site,
        cast(null as varchar) as post_id,
        per_post.category,
        cast(sum(per_post.words) as bigint) as words,
        any_value(site_pages.page_words) as page_words
    from per_post
    join site_pages using (run_id, site)
    group by per_post.run_id, per_post.site, per_post.category
)

select
    run_id,
    site,
    post_id,
    category,
    words,
    page_words,
    words / nullif(page_words, 0) as share
from (
    select * from per_post
    union all
    select * from per_site
);

comment on view v_boilerplate_by_category is
    'Boilerplate words per template category: words of the non-main blocks (post_blocks.is_main '
    'false) of each category and their share of the page''s words, per post and rolled up per site. '
    'Two grains in one view: post rows (post_id not null; key (run_id, post_id, category)) and site '
    'rows (post_id null; key (run_id, site, category)). Summing over both double counts every word: '
    'filter post_id is null for per-site figures, post_id is not null for per-post ones. A post or '
    'site without words in a category has no row (not a zero row), so a mean of share over post rows '
    'leaves those posts out; take a site''s share from its site row.';
comment on column v_boilerplate_by_category.run_id is 'The run (runs.run_id).';
comment on column v_boilerplate_by_category.site is 'The site (sites.site).';
comment on column v_boilerplate_by_category.post_id is
    'The post (posts.post_id) on a post row; null on a site rollup row (filter on it to pick one grain).';
comment on column v_boilerplate_by_category.category is
    'Boilerplate category (post_blocks.category): navigation, promo, legal, author_meta, related, '
    'comments_forms, share, cookie or other; never content.';
comment on column v_boilerplate_by_category.words is
    'Words in the non-main blocks of the category: of the post on a post row, of all the site''s '
    'posts on a site row.';
comment on column v_boilerplate_by_category.page_words is
    'The denominator: the post''s visible words (posts.page_words) on a post row; on a site row, the '
    'sum of page_words over all the site''s posts (posts without this category included).';
comment on column v_boilerplate_by_category.share is
    'words / page_words, 0-1; null when page_words is 0. A post''s shares over its categories add up '
    'to the share of its page''s words outside the main text.';
