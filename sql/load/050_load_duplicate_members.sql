delete from duplicate_members where run_id = $run_id;

insert into duplicate_members by name
select
    $run_id as run_id,
    group_id,
    post_id,
    is_canonical,
    match_kind,
    relation,
    similarity,
    canonical_rule
from read_parquet($dedup_members);
