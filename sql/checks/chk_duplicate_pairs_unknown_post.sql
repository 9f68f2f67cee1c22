with pair_posts as (
    select post_id_a as post_id from duplicate_pairs where run_id = $run_id
    union
    select post_id_b as post_id from duplicate_pairs where run_id = $run_id
)

select pair_posts.post_id
from pair_posts
anti join posts
    on posts.run_id = $run_id
    and posts.post_id = pair_posts.post_id;
