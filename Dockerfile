# content-audit's Airflow image: the exact environment of uv.lock (the one `make test` and the
# Celery deployment test run), not whatever is newest at build time.
#
#   docker compose build      (or: docker build -t content-audit-airflow .)
#
# Why not the apache/airflow image: it ships its own set of providers and dependency versions;
# installing the project into it would run versions the tests never ran. Here the venv is built
# by `uv sync --locked` from uv.lock with the `celery` extra (Celery and PostgreSQL providers and
# drivers), as `make install` builds it. tests/dags/test_compose.py checks this file.
FROM python:3.11-slim-bookworm

# The uv `make install` uses (UV_VERSION in the Makefile); a static binary, nothing else.
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv

ENV AIRFLOW_HOME=/opt/airflow \
    UV_PROJECT_ENVIRONMENT=/opt/content-audit/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/opt/content-audit/.venv/bin:$PATH

WORKDIR /opt/content-audit
# Dependencies first (cached while only the code changes), then the project itself.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --extra celery --no-install-project
COPY sql/ sql/
COPY pipeline/ pipeline/
RUN uv sync --locked --no-dev --extra celery \
    && python -c "import pipeline.runner, duckdb, sklearn, airflow.providers.celery"

# Airflow's usual unprivileged user (uid 50000, group 0, as the official image); files are
# group-0 owned so an arbitrary AIRFLOW_UID can read them.
RUN useradd --uid 50000 --gid 0 --home-dir /opt/airflow --create-home airflow \
    && mkdir -p /opt/airflow/dags /opt/airflow/logs /opt/airflow/config /opt/airflow/data \
       /opt/airflow/reports \
    && chown -R 50000:0 /opt/airflow && chmod -R g+rwX /opt/airflow
USER 50000
WORKDIR /opt/airflow
ENTRYPOINT ["airflow"]
