"""The ``content-audit`` command line: the same stage functions the DAGs and the tests call."""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from pipeline.config import ConfigError
from pipeline.io import MissingInputError, StageSummary
from pipeline.paths import STAGES, RunPaths
from pipeline.summary import print_run_summary, print_stage_summary

log = logging.getLogger("pipeline")

_data_dir = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Where raw archives, stage files and warehouse.duckdb live.",
)
_reports_dir = click.option(
    "--reports-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Where the HTML report is written (latest.html and <run_id>.html).",
)
_verbose = click.option("-v", "--verbose", is_flag=True, help="Debug logging.")


def _set_workers(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """``--workers`` sets ``CONTENT_AUDIT_WORKERS`` for this process and its children (the
    stages read it through ``pipeline.parallel.worker_count``)."""
    if value is not None:
        if value < 1:
            raise click.BadParameter("must be 1 or more", ctx=ctx, param=param)
        os.environ["CONTENT_AUDIT_WORKERS"] = str(value)
    return value


_workers = click.option(
    "--workers",
    type=int,
    default=None,
    expose_value=False,
    callback=_set_workers,
    help="Processes for per-page work (extraction, audit); default: $CONTENT_AUDIT_WORKERS, "
    "else the CPU count. Same output for any count.",
)
_debug = click.option(
    "--debug", is_flag=True, help="On an error, show the full traceback, not only its one line."
)
_dev_dir = click.option(
    "--dev-dir",
    "dev_dirs",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    multiple=True,
    default=(Path("../shared/data/extraction-dev"), Path("../shared/data/extraction-more")),
    show_default=True,
    help="Labeled pages (html/*.html.gz + ground-truth.json); repeat for several sets.",
)


def _setup_logging(verbose: bool) -> None:
    # The CLI prints one line per stage itself; -v adds the stages' own log lines.
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request at INFO; the crawl reports its own progress.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _new_run_id() -> str:
    # Naming only: the clock never drives logic, and a run id can always be given explicitly.
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def _latest_run_id(data_dir: Path) -> str:
    runs = data_dir / "runs"
    candidates = (
        sorted(
            (p for p in runs.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
        )
        if runs.exists()
        else []
    )
    if not candidates:
        raise click.UsageError(f"no runs under {runs}; pass --run-id or start one with 'run'")
    return candidates[-1].name


# Exit codes (README "Exit codes"): what a scheduler or a shell script can act on.
EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug: please report it with the --debug traceback
EXIT_USAGE = 2  # bad command line, configuration, run id or missing input: fix and rerun
EXIT_EMPTY = 3  # the crawl fetched no page (dead site, robots.txt 5xx): nothing was audited
EXIT_FAILED = 4  # a stage failed (warehouse load, check, migration, lock; a stage's own rows)
EXIT_INTERRUPTED = 130


def _exit_code(exc: BaseException) -> int:
    from pipeline.io import DuplicateKeyError
    from pipeline.runstate import EmptyRunError
    from pipeline.warehouse.errors import WarehouseError

    if isinstance(exc, (ConfigError, MissingInputError)):
        return EXIT_USAGE
    if isinstance(exc, EmptyRunError):
        return EXIT_EMPTY
    if isinstance(exc, (WarehouseError, DuplicateKeyError, OSError)):
        return EXIT_FAILED
    return EXIT_INTERNAL


def _guard(fn: Callable[[], Any], debug: bool = False) -> Any:
    """Every project error becomes one readable line and a documented exit code; ``--debug``
    shows the traceback as well. Nothing else in the package catches broadly."""
    try:
        return fn()
    except click.UsageError:
        raise  # click prints usage and exits 2
    except KeyboardInterrupt:
        click.secho("interrupted: the run's previous good state is kept", fg="red", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        code = _exit_code(exc)
        if debug:
            traceback.print_exc()
        what = "error" if code != EXIT_INTERNAL else f"internal error ({type(exc).__name__})"
        line = " ".join(str(exc).split()) or type(exc).__name__
        hint = "" if debug or code != EXIT_INTERNAL else " (rerun with --debug for the traceback)"
        click.secho(f"{what}: {line}{hint}", fg="red", err=True)
        sys.exit(code)


def _run_paths(data_dir: Path, run_id: str, reports_dir: Path) -> RunPaths:
    try:
        return RunPaths(data_dir, run_id, reports_dir)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--run-id") from None


def _existing_run(data_dir: Path, run_id: str | None, stage: str) -> str:
    """A stage other than crawl works on a run that exists; it never creates one."""
    rid = run_id or _latest_run_id(data_dir)
    if stage != "report" and not (data_dir / "runs" / rid).is_dir():
        raise click.UsageError(
            f"no run {rid!r} under {data_dir / 'runs'}; start one with 'run' or 'crawl'"
        )
    return rid


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="content-audit")
def main() -> None:
    """Crawl, clean, deduplicate, cluster and audit blog content into a DuckDB warehouse."""


@main.command()
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Sites YAML (see README: Configuration).",
)
@_data_dir
@click.option(
    "--run-id", default=None, help="Run id (default: UTC timestamp). Reusing one replaces it."
)
@_reports_dir
@_workers
@_verbose
@_debug
def run(
    config_path: Path,
    data_dir: Path,
    run_id: str | None,
    reports_dir: Path,
    verbose: bool,
    debug: bool,
) -> None:
    """Run every stage: crawl, extract, dedup, topics, audit, load, report.

    A rerun of a run id replaces its files only when it succeeds. Exit codes: README.
    """
    _setup_logging(verbose)
    from pipeline.config import load_config
    from pipeline.runner import run_all

    def go() -> None:
        config = load_config(config_path)  # a bad config fails before anything is touched
        paths = _run_paths(data_dir, run_id or _new_run_id(), reports_dir)
        summaries = run_all(paths, config, on_done=print_stage_summary)
        print_run_summary(paths, summaries)

    _guard(go, debug)


def _stage_command(stage: str) -> None:
    @click.option(
        "--config",
        "config_path",
        default=None,
        type=click.Path(path_type=Path),
        help="Sites YAML (default: the config stored when the run started).",
    )
    @_data_dir
    @click.option("--run-id", default=None, help="Run id (default: the most recent run).")
    @_reports_dir
    @_workers
    @_verbose
    @_debug
    def command(
        config_path: Path | None,
        data_dir: Path,
        run_id: str | None,
        reports_dir: Path,
        verbose: bool,
        debug: bool,
        from_warc: Path | None = None,
        site: str | None = None,
        assign_only: bool = False,
    ) -> None:
        _setup_logging(verbose)
        from pipeline.config import load_config
        from pipeline.runner import execute_stage, extract_from_warc, resolve_config

        def go() -> StageSummary:
            if from_warc is not None:
                paths = _run_paths(data_dir, run_id or _new_run_id(), reports_dir)
                summaries = extract_from_warc(paths, from_warc, site, config_path)
                for summary in summaries.values():
                    print_stage_summary(summary)
                return summaries["extract"]
            if site is not None:
                raise click.UsageError("--site only applies with --from-warc")
            if stage == "crawl":
                rid = run_id or _new_run_id()
            else:
                rid = _existing_run(data_dir, run_id, stage)
            paths = _run_paths(data_dir, rid, reports_dir)
            # The report reads everything, its title included, from the warehouse; a config
            # given to it is used for the title and never stored with the run.
            if stage == "report":
                config = load_config(config_path) if config_path is not None else None
            else:
                config = resolve_config(paths, config_path)
            if assign_only and config is not None:
                topics = config.topics.model_copy(update={"assign_only": True})
                config = config.model_copy(update={"topics": topics})
            summary = execute_stage(stage, paths, config)
            print_stage_summary(summary)
            return summary

        _guard(go, debug)

    if stage == "extract":
        command = click.option(
            "--site",
            default=None,
            help="With --from-warc: one site name for every record (default: from the file "
            "name of our WARCs, else each record's host).",
        )(command)
        command = click.option(
            "--from-warc",
            type=click.Path(exists=True, path_type=Path),
            default=None,
            help="Re-process a WARC file or a directory of them (ours or Common Crawl's) into "
            "a new run, with no network; later stages then run on it with --run-id.",
        )(command)
    if stage == "topics":
        command = click.option(
            "--assign-only",
            is_flag=True,
            default=False,
            help="Assign the run's posts to the previous run's topics without refitting "
            "(same as topics.assign_only: true in the config).",
        )(command)
    main.command(
        name=stage, help=f"Run only the {stage} stage for a run (reads earlier stages' files)."
    )(command)


for _stage in STAGES:
    _stage_command(_stage)


@main.command()
@_data_dir
@_reports_dir
@click.option("--run-id", default="demo", show_default=True)
@_verbose
@_debug
def demo(data_dir: Path, reports_dir: Path, run_id: str, verbose: bool, debug: bool) -> None:
    """Serve the bundled demo blogs on 127.0.0.1 and run the whole pipeline on them."""
    _setup_logging(verbose)
    from pipeline.config import load_config
    from pipeline.demo import build_sites, serve_sites, write_demo_config
    from pipeline.runner import run_all

    site_root = data_dir / "demo-sites"
    build_sites(site_root)
    with serve_sites(site_root) as served:
        for s in served:
            click.echo(f"serving demo site {s.name} at {s.url}")
        config_path = write_demo_config(data_dir / "demo-sites.yaml", served)
        paths = RunPaths(data_dir, run_id, reports_dir)

        def go() -> None:
            summaries = run_all(paths, load_config(config_path), on_done=print_stage_summary)
            print_run_summary(paths, summaries)

        _guard(go, debug)


@main.command()
@click.argument("sql", required=False)
@click.option(
    "--file",
    "sql_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Read the SQL from this file (e.g. sql/queries/examples/fix_first.sql).",
)
@_data_dir
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "parquet"]),
    default="table",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of the terminal (required for parquet).",
)
@_debug
def query(
    sql: str | None, sql_file: Path | None, data_dir: Path, fmt: str, out: Path | None, debug: bool
) -> None:
    """Run SQL against the warehouse, read-only (never waits for or blocks a load)."""
    from pipeline.warehouse import connect_readonly
    from pipeline.warehouse.access import format_result, query_to_parquet, run_query

    if (sql is None) == (sql_file is None):
        raise click.UsageError("give the SQL as an argument or with --file, not both")
    text = sql_file.read_text(encoding="utf-8") if sql_file is not None else str(sql)

    def go() -> None:
        if fmt == "parquet" and out is None:
            raise click.UsageError("--format parquet needs --out FILE")
        with connect_readonly(data_dir / "warehouse.duckdb") as con:
            if fmt == "parquet":
                assert out is not None
                n = query_to_parquet(con, text, out)
                click.echo(f"wrote {n} rows to {out}", err=True)
                return
            rendered = format_result(run_query(con, text), fmt)
        if out is None:
            click.echo(rendered, nl=False)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(rendered, encoding="utf-8")

    _guard(go, debug)


@main.command()
@_data_dir
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for one file per view.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True
)
@_debug
def export(data_dir: Path, out: Path, fmt: str, debug: bool) -> None:
    """Write every warehouse view as Parquet or CSV, for tools that cannot open DuckDB files."""
    from pipeline.warehouse import connect_readonly
    from pipeline.warehouse.access import export_views

    def go() -> None:
        with connect_readonly(data_dir / "warehouse.duckdb") as con:
            counts = export_views(con, out, fmt)
        for view, n in counts.items():
            click.echo(f"{out / f'{view}.{fmt}'}: {n} rows")

    _guard(go, debug)


@main.command(name="docs-warehouse")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/warehouse.md"),
    show_default=True,
)
@_debug
def docs_warehouse(out: Path, debug: bool) -> None:
    """Write the warehouse data dictionary (every table, view and column, from their comments)."""
    from pipeline.warehouse.dictionary import data_dictionary

    def go() -> None:
        text = data_dictionary()  # before touching the file: a broken view leaves it as it was
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}")

    _guard(go, debug)


@main.command(name="celery-env")
@click.option(
    "--database-url",
    default="postgresql+psycopg2://postgres@127.0.0.1:5432/airflow",
    show_default=True,
    help="Airflow's metadata database (PostgreSQL, created beforehand).",
)
@click.option(
    "--broker-url", default="redis://127.0.0.1:6379/0", show_default=True, help="Redis broker."
)
@click.option("--airflow-home", type=click.Path(path_type=Path), default=Path("airflow-home"))
@click.option("--api-port", type=int, default=8080, show_default=True)
def celery_env(database_url: str, broker_url: str, airflow_home: Path, api_port: int) -> None:
    """Print the environment of a Celery deployment as shell export lines (eval them in every
    shell that starts an Airflow process: they share the fernet key and JWT secret)."""
    from pipeline.deploy import CeleryDeployment

    deployment = CeleryDeployment(
        airflow_home=airflow_home.resolve(),
        dags_folder=(Path(__file__).resolve().parent.parent / "dags"),
        database_url=database_url,
        broker_url=broker_url,
        api_port=api_port,
    )
    click.echo(deployment.export_lines(), nl=False)


@main.command(name="airflow-pools")
def airflow_pools() -> None:
    """Print the `airflow pools set` commands for the pools the DAGs use (run them once per
    deployment, with the deployment's environment; they update pools that exist). Tasks in a
    pool that does not exist are never scheduled."""
    import shlex

    from pipeline.deploy import pool_commands

    for command in pool_commands():
        click.echo(shlex.join(command))


@main.command(name="train-extractor")
@_dev_dir
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Model file (default: the one shipped in the package).",
)
def train_extractor(dev_dirs: tuple[Path, ...], out: Path | None) -> None:
    """Retrain the block classifier; prints held-out P/R/F1 before fitting on all pages."""
    from pipeline.extract.train import main as train_main

    argv = [arg for d in dev_dirs for arg in ("--dev-dir", str(d))]
    argv += ["--out", str(out)] if out else []
    sys.exit(train_main(argv))


@main.command(name="eval-extractor")
@_dev_dir
@click.option("--folds", type=int, default=5, show_default=True, help="Folds grouped by site.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Reuse fold predictions computed by the same code and data.",
)
def eval_extractor(dev_dirs: tuple[Path, ...], folds: int, cache_dir: Path | None) -> None:
    """Cross-validated P/R/F1 of the extractor (folds grouped by site) on the tuning part of the
    sets, overall and by page type; the untouched slice is never read here."""
    import json

    from pipeline.extract.crossval import crossval_report
    from pipeline.extract.devsets import PageSet

    report = crossval_report(PageSet.load(dev_dirs), folds, cache_dir=cache_dir)
    click.echo(json.dumps(report, indent=2))


def _pagetype_argv(data_dirs: tuple[Path, ...], cache_dir: Path | None) -> list[str]:
    argv = [arg for d in data_dirs for arg in ("--data-dir", str(d))]
    return argv + (["--cache-dir", str(cache_dir)] if cache_dir else [])


_pagetype_data = click.option(
    "--data-dir",
    "data_dirs",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    multiple=True,
    help="Labeled page sets (repeatable; default: ../shared/data/extraction-dev and -more).",
)
_pagetype_cache = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Reuse page facts extracted by the same code (e.g. benchmarks/pagetype/.cache).",
)


@main.command(name="eval-pagetype")
@_pagetype_data
@_pagetype_cache
@click.option("--json", "as_json", is_flag=True, help="The whole report, dropped URLs included.")
def eval_pagetype(data_dirs: tuple[Path, ...], cache_dir: Path | None, as_json: bool) -> None:
    """Precision/recall of "this page is a post" (article pages), baseline and model, on the
    tuning part (host-grouped CV) and the held-out part (benchmarks/pagetype/README.md)."""
    from pipeline.extract.pagetype_eval import main as eval_main

    sys.exit(eval_main(_pagetype_argv(data_dirs, cache_dir) + (["--json"] if as_json else [])))


@main.command(name="train-pagetype")
@_pagetype_data
@_pagetype_cache
def train_pagetype(data_dirs: tuple[Path, ...], cache_dir: Path | None) -> None:
    """Retrain the page-type model on the tuning part of the labeled page sets."""
    from pipeline.extract.pagetype_train import main as train_main

    sys.exit(train_main(_pagetype_argv(data_dirs, cache_dir)))


@main.command(name="eval-dedup")
@click.argument("corpus", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--threshold",
    "thresholds",
    type=click.FloatRange(0, 1, min_open=True),
    multiple=True,
    default=(0.8, 0.5),
    show_default=True,
    help="Jaccard thresholds to evaluate (repeatable).",
)
def eval_dedup(corpus: Path, thresholds: tuple[float, ...]) -> None:
    """P/R/F1 of near-duplicate pairs against the exact all-pairs Jaccard of a corpus.

    CORPUS is JSON lines with "id" and "text" (e.g. ``make eval`` writes one from the seeds and
    the dev set's article texts with benchmarks/dedup/corpus.py).
    """
    import json

    from pipeline.dedup import near_duplicate_pairs
    from pipeline.dedup.exact import exact_pairs, precision_recall

    def docs() -> Iterator[tuple[str, str]]:
        with corpus.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                try:
                    doc = json.loads(line)
                    yield str(doc["id"]), str(doc["text"])
                except (ValueError, KeyError, TypeError) as exc:
                    raise click.ClickException(
                        f"{corpus}:{n}: not a JSON object with id and text ({exc})"
                    ) from exc

    report = {}
    for threshold in thresholds:
        t0 = time.perf_counter()
        found = near_duplicate_pairs(docs(), threshold)
        seconds = time.perf_counter() - t0
        truth = exact_pairs(docs(), threshold)
        report[str(threshold)] = {**precision_recall(found, truth), "search_s": round(seconds, 2)}
    click.echo(json.dumps(report, indent=2))


@main.command(name="eval-topics")
@click.argument("corpus", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--random-state",
    "random_states",
    type=int,
    multiple=True,
    default=(0, 1, 2),
    show_default=True,
    help="Random states to run (repeatable); medians are printed.",
)
def eval_topics(corpus: Path, random_states: tuple[int, ...]) -> None:
    """NMI/ARI/topics found on a labeled corpus, beside TF-IDF+LSA+KMeans given the true k.

    CORPUS is JSON lines with "text" and "label" (``make eval`` writes the labeled wellness
    corpus of benchmarks/topics with benchmarks/topics/corpus.py).
    """
    from pipeline.topics.evaluate import evaluate, format_table, read_corpus

    try:
        texts, labels = read_corpus(corpus)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if len(set(labels)) < 2:
        raise click.ClickException(f"{corpus}: needs at least 2 distinct labels")
    click.echo(f"{corpus}: {len(texts)} texts, {len(set(labels))} labels")
    click.echo(format_table(len(set(labels)), evaluate(texts, labels, random_states)))


@main.command(name="train-promo")
@click.option("--check", is_flag=True, help="Evaluate on the held-out split only; write nothing.")
def train_promo(check: bool) -> None:
    """Retrain the promo/CTA sentence classifier from the labeled sentences in the package."""
    from pipeline.audit.train_promo import main as promo_main

    sys.exit(promo_main(["--check"] if check else []))


@main.command(name="train-filler")
@click.option("--check", is_flag=True, help="Cross-validate only; write nothing.")
def train_filler(check: bool) -> None:
    """Retrain the seo_filler sentence classifier (written + hand-labeled sentences)."""
    from pipeline.audit.train_filler import main as filler_main

    sys.exit(filler_main(["--check"] if check else []))


@main.command(name="train-verifiers")
@click.option("--check", is_flag=True, help="Cross-validate only; write nothing.")
def train_verifiers(check: bool) -> None:
    """Retrain the calibrated promo and statistic verifiers on the real labeled set."""
    from pipeline.audit.train_verifiers import main as verifiers_main

    sys.exit(verifiers_main(["--check"] if check else []))


@main.command(name="eval-detectors")
@click.option(
    "--labeled",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Labeled set directory (docs.jsonl + sentences.csv); default: the repository's.",
)
@click.option(
    "--errors",
    type=click.Choice(["none", "dev"]),
    default="none",
    show_default=True,
    help="Also list the dev split's false positives and negatives.",
)
def eval_detectors(labeled: Path | None, errors: str) -> None:
    """P/R/F1 of the text detectors on the hand-labeled sentence set, per kind and split.

    The classifiers are cross-fitted by document, so no sentence is scored by a model trained
    on it (benchmarks/detectors/README.md explains the set and the splits).
    """
    from pipeline.audit.evaluate import LABELED, evaluate

    directory = labeled or LABELED
    if not (directory / "sentences.csv").exists():
        raise click.UsageError(
            f"no labeled set at {directory}: pass --labeled DIR (docs.jsonl + sentences.csv)"
        )
    result = evaluate(directory, errors=errors)
    click.echo(result.table())
    for line in result.errors:
        click.echo(line)


@main.command(name="serve-demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/demo-sites"),
    show_default=True,
)
@click.option(
    "--config-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("data/demo-sites.yaml"),
    show_default=True,
)
def serve_demo(out: Path, config_out: Path) -> None:
    """Serve the demo blogs until Ctrl-C and write a config pointing at them."""
    from pipeline.demo import build_sites, serve_sites, write_demo_config

    build_sites(out)
    with serve_sites(out) as served:
        write_demo_config(config_out, served)
        for s in served:
            click.echo(f"{s.name}: {s.url}")
        click.echo(f"config: {config_out}  (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("stopped")


if __name__ == "__main__":
    main()
