-- The most repeated paragraphs: the usual source of site-wide boilerplate and promo banners.
-- A paragraph repeated only inside one duplicate group is the copied article itself, already
-- listed under duplicates; it is left out here (and counted in `n_within_duplicates`), so the
-- list shows text reused across different articles. Each row names the posts sharing it.
with paragraph_posts as (
    select
        shared_paragraphs.paragraph_hash,
        shared_paragraphs.scope,
        unnest(shared_paragraphs.post_ids) as post_id
    from shared_paragraphs
    where shared_paragraphs.run_id = $run_id
),

-- A post outside every duplicate group counts as its own unit.
paragraph_units as (
    select
        paragraph_posts.paragraph_hash,
        paragraph_posts.scope,
        count(distinct coalesce(duplicate_members.group_id, 'post:' || paragraph_posts.post_id))
            as n_units,
        list(
            struct_pack(site := posts.site, title := posts.title, url := posts.url)
            order by posts.site, posts.url
        ) as posts
    from paragraph_posts
    left join duplicate_members
        on duplicate_members.run_id = $run_id
        and duplicate_members.post_id = paragraph_posts.post_id
    left join posts
        on posts.run_id = $run_id
        and posts.post_id = paragraph_posts.post_id
    group by paragraph_posts.paragraph_hash, paragraph_posts.scope
),

within_duplicates as (
    select count(*) as n_within_duplicates
    from paragraph_units
    where n_units < 2
)

select
    shared_paragraphs.text,
    shared_paragraphs.n_posts,
    shared_paragraphs.n_sites,
    shared_paragraphs.scope,
    paragraph_units.posts,
    within_duplicates.n_within_duplicates
from shared_paragraphs
join paragraph_units
    on paragraph_units.paragraph_hash = shared_paragraphs.paragraph_hash
    and paragraph_units.scope = shared_paragraphs.scope
cross join within_duplicates
where shared_paragraphs.run_id = $run_id
    and paragraph_units.n_units >= 2
order by
    shared_paragraphs.n_posts desc,
    shared_paragraphs.n_sites desc,
    shared_paragraphs.paragraph_hash,
    shared_paragraphs.scope
limit $limit;
