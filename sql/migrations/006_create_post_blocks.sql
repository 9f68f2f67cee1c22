create table post_blocks (
    run_id varchar not null,
    post_id varchar not null,
    site varchar not null,
    block_index integer not null,
    tag varchar,
    tag_path varchar,
    class_tokens varchar,
    text varchar,
    word_count integer,
    link_density real,
    position real,
    main_score real,
    site_repeat integer,
    is_main boolean,
    category varchar,
    text_hash varchar,
    primary key (run_id, post_id, block_index)
);

comment on table post_blocks is
    'Visible text blocks of each post page, classified as main content or a boilerplate category. '
    'Grain: one row per run, post and block. Key: (run_id, post_id, block_index).';
comment on column post_blocks.run_id is 'The run (runs.run_id).';
comment on column post_blocks.post_id is 'The post (posts.post_id).';
comment on column post_blocks.site is 'Site name (sites.site).';
comment on column post_blocks.block_index is 'Position of the block in document order, from 0.';
comment on column post_blocks.tag is 'HTML tag of the block.';
comment on column post_blocks.tag_path is 'Ancestor tag path of the block.';
comment on column post_blocks.class_tokens is 'class and id tokens of the block and its ancestors.';
comment on column post_blocks.text is 'Block text (scraped text: escape before display).';
comment on column post_blocks.word_count is 'Words in the block.';
comment on column post_blocks.link_density is 'Share of the block text inside links.';
comment on column post_blocks.position is 'Relative position: 0 = first block of the page, 1 = last.';
comment on column post_blocks.main_score is 'Model probability that the block is main content.';
comment on column post_blocks.site_repeat is 'Pages of the site carrying the same block text.';
comment on column post_blocks.is_main is 'The block belongs to the main text.';
comment on column post_blocks.category is 'content or a boilerplate kind (pipeline.records.BLOCK_CATEGORIES).';
comment on column post_blocks.text_hash is 'sha1 of the normalized block text.';
