-- A finding the report cannot attach to a post (title, URL) would be unactionable.
select findings.finding_id, findings.post_id, findings.kind
from findings
anti join posts
    on posts.run_id = findings.run_id
    and posts.post_id = findings.post_id
where findings.run_id = $run_id;
