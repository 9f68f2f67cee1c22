delete from duplicate_pairs where run_id = $run_id;

insert into duplicate_pairs by name
select
    $run_id as run_id,
    post_id_a,
    post_id_b,
    similarity,
    match_kind
from read_parquet($dedup_pairs);
