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
        sum(post_blocks.word_count) as words
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
    select run_id, site, sum(page_words) as page_words
    from posts
    group by run_id, site
),

per_site as (
    select
        per_post.run_id,
        per_post.site,
        cast(null as varchar) as post_id,
        per_post.category,
        sum(per_post.words) as words,
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
