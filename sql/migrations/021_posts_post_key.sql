-- A post's identity across runs (issue 20): history matched by full URL read a domain move,
-- http -> https or the demo on new ports as every post removed and added again.
alter table posts add column post_key varchar;

comment on column posts.post_key is
    'The post''s identity across runs within its site: the path of its canonical URL (else of '
    'its URL), lowercased, without query, fragment or trailing slash. It survives host, scheme, '
    'port and trailing-slash changes; v_run_changes matches posts by (site, post_key). Null for '
    'rows loaded before migration 021.';
