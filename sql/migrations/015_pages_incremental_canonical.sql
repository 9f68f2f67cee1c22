-- Incremental crawls (conditional requests): which run a page was compared against and whether
-- it is unchanged since; and the page's rel=canonical as the crawl saw it. Added columns are
-- null for rows loaded before this migration.
alter table pages add column previous_run_id varchar;
alter table pages add column unchanged boolean;
alter table pages add column canonical_url varchar;

comment on column pages.previous_run_id is
    'Run whose validators (ETag, Last-Modified, body sha1) the crawl compared against; null when none.';
comment on column pages.unchanged is
    'The page answered 304 Not Modified or its body sha1 matched previous_run_id; null when not compared.';
comment on column pages.canonical_url is
    'The page''s <link rel="canonical">, resolved; null when absent or not an HTML page.';
