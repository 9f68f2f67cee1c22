# content-audit on the official Airflow image: the pipeline package is installed into the image's
# Python environment; the DAG files come from the ./dags volume (see docker-compose.yml).
#
#   docker compose build      (or: docker build -t content-audit-airflow .)
#
# Keep the tag in step with the apache-airflow pin in pyproject.toml (tests/dags/test_compose.py
# checks it).
FROM apache/airflow:3.3.2-python3.11

# The image runs as the unprivileged "airflow" user (uid 50000, group 0); pip installs into its
# environment. Files are group-0 owned so an arbitrary AIRFLOW_UID can read them.
WORKDIR /opt/content-audit
COPY --chown=airflow:0 pyproject.toml README.md ./
COPY --chown=airflow:0 sql/ sql/
COPY --chown=airflow:0 pipeline/ pipeline/

# Pinning apache-airflow to the image's own version stops pip from upgrading or downgrading
# Airflow or the providers the image was built and tested with (docker-stack docs, "Adding
# packages from requirements.txt"); uv.lock is not used here because its newer pins of Airflow's
# own dependencies would replace the versions the image ships.
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" . \
    && python -c "import pipeline.runner, duckdb, sklearn"

WORKDIR /opt/airflow
