create table sites (
    run_id varchar not null,
    site varchar not null,
    url varchar,
    pages integer not null,
    posts integer not null,
    primary key (run_id, site)
);

comment on table sites is
    'Sites audited in a run: configured sites plus any site seen in pages. '
    'Grain: one row per run and site. Key: (run_id, site).';
comment on column sites.run_id is 'The run (runs.run_id).';
comment on column sites.site is 'Short site name from the config (sites[].name).';
comment on column sites.url is 'Start URL from the config; null if the site is not in the run config.';
comment on column sites.pages is 'URLs attempted on the site.';
comment on column sites.posts is 'Posts extracted from the site.';
