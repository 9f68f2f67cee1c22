-- No primary key: dedup may report the same paragraph once per scope (within_site, cross_site).
create table shared_paragraphs (
    run_id varchar not null,
    paragraph_hash varchar not null,
    text varchar,
    n_posts integer,
    n_sites integer,
    scope varchar,
    post_ids varchar[]
);

comment on table shared_paragraphs is
    'Paragraphs repeated across posts (boilerplate, promo banners, copied text). '
    'Grain: one row per run, paragraph and scope. No enforced key.';
comment on column shared_paragraphs.run_id is 'The run (runs.run_id).';
comment on column shared_paragraphs.paragraph_hash is 'sha1 of the normalized paragraph text.';
comment on column shared_paragraphs.text is 'The paragraph (scraped text: escape before display).';
comment on column shared_paragraphs.n_posts is 'Posts carrying the paragraph.';
comment on column shared_paragraphs.n_sites is 'Sites carrying the paragraph.';
comment on column shared_paragraphs.scope is 'within_site | cross_site.';
comment on column shared_paragraphs.post_ids is 'The posts carrying it (posts.post_id).';
