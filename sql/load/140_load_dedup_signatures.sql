delete from dedup_signatures where run_id = $run_id;

insert into dedup_signatures by name
select
    $run_id as run_id,
    post_id,
    content_hash,
    scheme,
    n_shingles,
    set_digest,
    signature
from read_parquet($dedup_signatures);
