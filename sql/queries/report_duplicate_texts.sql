-- Main text of the posts of the listed duplicate groups: the report shows what differs between
-- each copy and its canonical post.
select
    members.group_id,
    members.post_id,
    posts.main_text
from duplicate_members as members
join posts using (run_id, post_id)
where members.run_id = $run_id
    and list_contains($group_ids, members.group_id);
