create table posts (
    run_id varchar not null,
    post_id varchar not null,
    site varchar not null,
    url varchar not null,
    canonical_url varchar,
    title varchar,
    author varchar,
    published_at timestamptz,
    updated_at timestamptz,
    description varchar,
    lang varchar,
    site_name varchar,
    headings struct(level tinyint, text varchar)[],
    h1_count integer,
    links_internal integer,
    links_external integer,
    outbound_links varchar[],
    word_count integer,
    page_words integer,
    boilerplate_words integer,
    main_text varchar,
    text_hash varchar,
    fetched_at timestamptz,
    primary key (run_id, post_id)
);

comment on table posts is
    'Blog posts extracted from fetched pages: metadata and cleaned main text. '
    'Grain: one row per run and post. Key: (run_id, post_id).';
comment on column posts.run_id is 'The run (runs.run_id).';
comment on column posts.post_id is 'sha1(final URL)[:16]; stable across runs for the same URL.';
comment on column posts.site is 'Site name (sites.site).';
comment on column posts.url is 'Final URL of the post.';
comment on column posts.canonical_url is 'rel=canonical URL declared by the page.';
comment on column posts.title is 'Title (scraped text: escape before display).';
comment on column posts.author is 'Author byline.';
comment on column posts.published_at is 'Publication time from page metadata.';
comment on column posts.updated_at is 'Last update time from page metadata.';
comment on column posts.description is 'Meta description.';
comment on column posts.lang is 'Language code.';
comment on column posts.site_name is 'og:site_name or equivalent.';
comment on column posts.headings is 'Headings of the main text in order: level and text.';
comment on column posts.h1_count is 'Number of h1 elements on the page.';
comment on column posts.links_internal is 'Links to the same site in the main text.';
comment on column posts.links_external is 'Links to other sites in the main text.';
comment on column posts.outbound_links is 'External link targets.';
comment on column posts.word_count is 'Words of the main text.';
comment on column posts.page_words is 'Words of all visible blocks of the page.';
comment on column posts.boilerplate_words is 'Words of blocks that are not main content.';
comment on column posts.main_text is 'Cleaned main text; findings offsets index into it.';
comment on column posts.text_hash is 'sha1 of the normalized main text (exact-duplicate key).';
comment on column posts.fetched_at is 'When the page was fetched.';
