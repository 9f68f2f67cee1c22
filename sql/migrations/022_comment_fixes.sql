-- Comments that went stale: runs.n_topics counts broad topics only since subtopics (020),
-- topic_cannibalization.site names the sites table's column, and its score is now the pair
-- scorer's probability (issue 19), not the mean of the two overlaps.
comment on column runs.n_topics is
    'Broad topics found (rows of topics with parent_id null; the outlier topic -1 excluded).';
comment on column topic_cannibalization.site is 'The site both posts are on (sites.site).';
comment on column topic_cannibalization.score is
    'Probability that the two posts answer one search query, 0-1 (a logistic model over text, '
    'opening and title similarities and title-term overlap, fitted on labeled real pairs); pairs '
    'sort by it, and only pairs at the scorer''s threshold are recorded.';
