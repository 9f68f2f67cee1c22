-- Comments that went stale: runs.n_topics counts broad topics only since subtopics (020), and
-- topic_cannibalization.site names the sites table's column.
comment on column runs.n_topics is
    'Broad topics found (rows of topics with parent_id null; the outlier topic -1 excluded).';
comment on column topic_cannibalization.site is 'The site both posts are on (sites.site).';
