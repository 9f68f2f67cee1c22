-- Stored signatures of one scheme for the given posts, by (post, compared text), for dedup's
-- incremental reuse ($scheme and $post_ids bound by the caller). The same text has the same
-- signature in every run that computed it; the latest run's row is taken, whole.
select
    post_id,
    content_hash,
    arg_max(struct_pack(n_shingles, set_digest, signature), run_id) as stored
from dedup_signatures
where scheme = $scheme
    and post_id in (select unnest($post_ids::varchar[]))
group by post_id, content_hash;
