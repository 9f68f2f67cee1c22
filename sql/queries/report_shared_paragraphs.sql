-- The most repeated paragraphs: the usual source of site-wide boilerplate and promo banners.
select
    text,
    n_posts,
    n_sites,
    scope
from shared_paragraphs
where run_id = $run_id
order by n_posts desc, n_sites desc, paragraph_hash, scope
limit $limit;
