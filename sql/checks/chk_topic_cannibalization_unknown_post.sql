-- Both posts of a competing pair must be posts of the run.
select pairs.post_id_a, pairs.post_id_b
from topic_cannibalization as pairs
where pairs.run_id = $run_id
    and (
        pairs.post_id_a not in (select post_id from posts where run_id = $run_id)
        or pairs.post_id_b not in (select post_id from posts where run_id = $run_id)
    );
