"""content-audit: crawl, extract, deduplicate, cluster and audit blog content into DuckDB.

The package holds all logic. Each stage is a subpackage (``crawl``, ``extract``, ``dedup``,
``topics``, ``audit``, ``warehouse``, ``report``) with a pure core and a thin ``run(paths, config)``
edge that reads the previous stage's files and writes its own under ``RunPaths``.
"""

__version__ = "0.1.0"
