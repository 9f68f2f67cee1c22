delete from shared_paragraphs where run_id = $run_id;

insert into shared_paragraphs by name
select
    $run_id as run_id,
    paragraph_hash,
    text,
    n_posts,
    n_sites,
    scope,
    post_ids
from read_parquet($dedup_paragraphs);
