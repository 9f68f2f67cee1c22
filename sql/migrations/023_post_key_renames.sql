-- post_key also survives a renamed slug when the text is unchanged (sql/load/020_load_posts.sql).
comment on column posts.post_key is
    'The post''s identity across runs within its site: the path of its canonical URL (else of '
    'its URL), lowercased, without query, fragment or trailing slash, so host, scheme, port and '
    'trailing-slash changes keep it. A new path whose main text hashes the same as a path of the '
    'site''s previous run that is gone (the hash unique on both sides) takes that path''s key: a '
    'renamed slug is the same post. v_run_changes and v_post_history match posts by (site, '
    'post_key). Null for rows loaded before migration 021.';
