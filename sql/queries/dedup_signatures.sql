-- Stored signatures of one scheme by (post, compared text), for dedup's incremental reuse.
-- The same text has the same signature in every run that computed it: any one of them will do.
select
    post_id,
    content_hash,
    any_value(n_shingles) as n_shingles,
    any_value(set_digest) as set_digest,
    any_value(signature) as signature
from dedup_signatures
where scheme = $scheme
group by post_id, content_hash;
