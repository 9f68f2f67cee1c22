-- The pages key becomes (run_id, site, url): two sites configured on one origin (/a/ and /b/
-- of one host) each fetch its robots.txt and sitemap, so a URL can be attempted once per site
-- (issue 16: the crawl's own key check found it; the load would have failed on it). DuckDB
-- cannot change a primary key in place, so the table is rebuilt with its rows and comments.
create table pages_019 (
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
    previous_run_id varchar,
    unchanged boolean,
    canonical_url varchar,
    primary key (run_id, site, url)
);

insert into pages_019 by name
select * from pages;

drop table pages;

alter table pages_019 rename to pages;

comment on table pages is
    'Every URL the crawl attempted, with the fetch outcome and what extract made of it. '
    'Grain: one row per run, site and attempted URL. Key: (run_id, site, url).';
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

comment on column pages.previous_run_id is
    'Run whose validators (ETag, Last-Modified, body sha1) the crawl compared against; null when none.';
comment on column pages.unchanged is
    'The page answered 304 Not Modified or its body sha1 matched previous_run_id; null when not compared.';
comment on column pages.canonical_url is
    'The page''s <link rel="canonical">, resolved; null when absent or not an HTML page.';
