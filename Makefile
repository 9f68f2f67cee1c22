# Two commands for a new user: `make demo` and `make test`. Both set everything up first:
# they bootstrap uv into .tools/ (only Python 3.11+ is needed) and create .venv from uv.lock.
PYTHON ?= python3
UV_VERSION ?= 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin

.PHONY: help install demo test test-fast lint format typecheck chromium train eval bench-report bench-extraction bench-crawl bench-dedup bench-detectors bench-topics bench-realweb bench-scale clean

help:
	@echo "make demo       install, serve the bundled demo blogs on 127.0.0.1, run every stage"
	@echo "make test       install, lint, type-check and run the whole test suite"
	@echo "make test-fast  the suite without tests marked slow"
	@echo "make train      retrain the shipped models (needs ../shared/data/extraction-dev and extraction-more)"
	@echo "make eval       quality: extraction (cross-validated), dedup, detectors (labeled set), topics"
	@echo "make bench-extraction  content-audit beside trafilatura, resiliparse, readability, jusText"
	@echo "make bench-crawl       content-audit's crawler beside Scrapy on 20 loopback blogs"
	@echo "make bench-dedup       near-duplicate pairs beside datasketch, 10k and 100k documents"
	@echo "make bench-detectors   detectors on the real labeled set, the real-material injection set, the older set"
	@echo "make bench-topics      topics beside TF-IDF+LSA+KMeans (true k): quality, stability, 10k posts"
	@echo "make bench-realweb     every stage on blogs of real pages (needs ../shared/data)"
	@echo "make bench-report      the report of a 10,000-post run: size, render time, load in Chromium"
	@echo "make clean      remove data/, reports/ and the environments"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The celery extra is installed too: the test suite starts a real Celery deployment (tests/celery).
$(BIN)/content-audit: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --extra celery --python $(PYTHON)
	@touch $@

# A DuckDB 1.x engine in its own locked environment: the warehouse must open in it (analysts'
# clients bundle 1.x engines; tests/sql/test_warehouse_compat.py).
DUCKDB1 := tests/compat/duckdb1/.venv/bin/python
$(DUCKDB1): $(UV) tests/compat/duckdb1/pyproject.toml tests/compat/duckdb1/uv.lock
	$(UV) sync --locked --project tests/compat/duckdb1 --python $(PYTHON)
	@touch $@

install: $(BIN)/content-audit $(DUCKDB1)

demo: install
	$(BIN)/content-audit demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy

# The report's browser test (tests/stages/test_report_browser.py) drives Debian's Chromium
# through Playwright; nothing is downloaded at run time.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium; \
	  else echo "make test needs Debian's chromium for the report's browser test: apt-get install chromium" >&2; exit 1; fi; }

test: lint typecheck chromium
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not slow"

bench-report: install chromium
	$(BIN)/python benchmarks/report/run.py

train: install
	$(BIN)/content-audit train-extractor
	$(BIN)/content-audit train-promo
	$(BIN)/content-audit train-filler
	$(BIN)/content-audit train-verifiers
	$(BIN)/content-audit train-pagetype --cache-dir benchmarks/pagetype/.cache

DEDUP_EVAL_CORPUS := benchmarks/dedup/.cache/corpus-v2-10000.jsonl
TOPICS_EVAL_CORPUS := benchmarks/topics/.cache/corpus.jsonl

eval: install $(DEDUP_EVAL_CORPUS)
	$(BIN)/content-audit eval-extractor --cache-dir benchmarks/extraction/.cache
	$(BIN)/content-audit eval-pagetype --cache-dir benchmarks/pagetype/.cache
	$(BIN)/content-audit eval-dedup $(DEDUP_EVAL_CORPUS)
	$(BIN)/content-audit eval-detectors
	$(BIN)/python benchmarks/topics/corpus.py $(TOPICS_EVAL_CORPUS)
	$(BIN)/content-audit eval-topics $(TOPICS_EVAL_CORPUS)

$(DEDUP_EVAL_CORPUS): benchmarks/dedup/corpus.py
	$(BIN)/python benchmarks/dedup/corpus.py 10000 $@

bench-extraction: $(UV)
	$(UV) sync --locked --group benchmarks --python $(PYTHON)
	$(BIN)/python benchmarks/extraction/run.py

bench-crawl: $(UV)
	$(UV) sync --locked --group benchmarks --python $(PYTHON)
	$(BIN)/python benchmarks/crawl/run.py

bench-dedup: $(UV)
	$(UV) sync --locked --group benchmarks --python $(PYTHON)
	$(BIN)/python benchmarks/dedup/run.py

bench-scale: install  # 1k and 10k posts, 2 and 1 workers, 5 %-edited rerun (~30 min, 2 cores)
	$(BIN)/python benchmarks/scale/run.py --posts 1000 --posts 10000 --workers 2 --workers 1 \
		--rerun-changed 0.05
	$(BIN)/python benchmarks/scale/plot.py

bench-topics: install
	$(BIN)/python benchmarks/topics/run.py

bench-detectors: install
	$(BIN)/python benchmarks/detectors/real_eval.py --test --out benchmarks/detectors/real-results.json
	$(BIN)/python benchmarks/detectors/injection.py --out benchmarks/detectors/results.json
	$(BIN)/python benchmarks/detectors/labeled.py

bench-realweb: install
	$(BIN)/python benchmarks/realweb/run.py

clean:
	rm -rf data reports .venv .tools .pytest_cache .mypy_cache .ruff_cache
