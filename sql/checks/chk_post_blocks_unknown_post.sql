-- Blocks belong to a post of the same run; orphans mean extract wrote blocks it then dropped.
select post_blocks.post_id, count(*) as blocks
from post_blocks
anti join posts
    on posts.run_id = post_blocks.run_id
    and posts.post_id = post_blocks.post_id
where post_blocks.run_id = $run_id
group by post_blocks.post_id;
