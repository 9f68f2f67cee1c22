select duplicate_members.group_id, duplicate_members.post_id
from duplicate_members
anti join posts
    on posts.run_id = duplicate_members.run_id
    and posts.post_id = duplicate_members.post_id
where duplicate_members.run_id = $run_id;
