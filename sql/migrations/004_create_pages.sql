-- Every URL the crawl attempted, fetched or not: failed fetches are rows with an error_class, so
-- an analyst can count what was lost and why. page_type/reason come from the extract stage.
create table pages (
    run_id varchar not null,
    site varchar not null,
    url varchar not null,
    final_url varchar,
    status integer,
    ok boolean not null,
    error_class varchar,
    error_message varchar,
    content_type varchar,
    bytes bigint,
    elapsed_ms double,
    fetched_at timestamptz,
    robots_allowed boolean,
    retries integer,
    depth integer,
    discovered_via varchar,
    redirect_chain varchar[],
    warc_file varchar,
    warc_offset bigint,
    etag varchar,
    last_modified varchar,
    content_sha1 varchar,
    post_id varchar,
    page_type varchar,
    reason varchar,
    primary key (run_id, url)
);

comment on table pages is
    'Every URL the crawl attempted, with the fetch outcome and what extract made of it. '
    'Grain: one row per run and attempted URL. Key: (run_id, url).';
comment on column pages.run_id is 'The run (runs.run_id).';
comment on column pages.site is 'Site name (sites.site).';
comment on column pages.url is 'The URL as requested.';
comment on column pages.final_url is 'The URL after redirects.';
comment on column pages.status is 'HTTP status; null when no response was received.';
comment on column pages.ok is 'A usable HTML/XML body was fetched and archived.';
comment on column pages.error_class is 'Why the fetch failed (snake_case); null when ok.';
comment on column pages.error_message is 'Human-readable detail of the failure.';
comment on column pages.content_type is 'Response Content-Type.';
comment on column pages.bytes is 'Body size in bytes.';
comment on column pages.elapsed_ms is 'Time of the fetch, milliseconds.';
comment on column pages.fetched_at is 'When the fetch finished.';
comment on column pages.robots_allowed is 'robots.txt allowed the URL.';
comment on column pages.retries is 'Retries spent on the URL.';
comment on column pages.depth is 'Link depth from the start URL.';
comment on column pages.discovered_via is 'How the URL was found: start | robots | sitemap | feed | link.';
comment on column pages.redirect_chain is 'URLs visited before final_url.';
comment on column pages.warc_file is 'WARC archive holding the response, relative to the data directory.';
comment on column pages.warc_offset is 'Offset of the response record in warc_file.';
comment on column pages.etag is 'Response ETag header.';
comment on column pages.last_modified is 'Response Last-Modified header.';
comment on column pages.content_sha1 is 'sha1 of the body.';
comment on column pages.post_id is 'posts.post_id when extract classified the page as a post.';
comment on column pages.page_type is 'post | listing | other; null when the page was not extracted.';
comment on column pages.reason is 'Why extract did not make a post of the page (snake_case).';
