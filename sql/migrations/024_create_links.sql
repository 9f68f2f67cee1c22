create table links (
    run_id varchar not null,
    site varchar not null,
    source_url varchar not null,
    target_url varchar not null,
    anchor_text varchar,
    position integer,
    primary key (run_id, site, source_url, target_url)
);

comment on table links is
    'The internal link graph the crawl saw: every link from a fetched HTML page to a URL in the '
    'same site''s scope, followed or not, with its anchor text. A failed target is a broken '
    'link (v_broken_links); a post that no other page links to is an orphan (v_orphan_posts). '
    'Grain: one row per run, site, linking page and target. '
    'Key: (run_id, site, source_url, target_url).';
comment on column links.run_id is 'The run (runs.run_id).';
comment on column links.site is 'The site (sites.site).';
comment on column links.source_url is 'The linking page (pages.url).';
comment on column links.target_url is
    'Where the link points, resolved and canonical as the crawl would fetch it (pages.url).';
comment on column links.anchor_text is
    'The link''s text, or its image''s alt text; whitespace collapsed, cut at 200 characters. '
    'Scraped text: escape before display.';
comment on column links.position is 'The link''s order among the page''s internal links, from 0.';
