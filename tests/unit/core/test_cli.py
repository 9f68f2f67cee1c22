"""The CLI fails fast on bad configs, before a single request is sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from pipeline.cli import main


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "sites:\n  - name: a\n    url: {url}\n    max_pagez: 3\n",
            "sites[0].max_pagez: unknown key",
        ),
        ("sites:\n  - name: a\n", "sites[0].url: required key is missing"),
        ("sites:\n  - name: a\n    url: {url}\n  bad indent: [\n", "malformed YAML"),
    ],
)
def test_bad_config_fails_before_any_fetch(
    tmp_path: Path, recorder: tuple[str, list[str]], body: str, expected: str
) -> None:
    url, hits = recorder
    cfg = tmp_path / "sites.yaml"
    cfg.write_text(body.format(url=url))
    result = CliRunner().invoke(
        main, ["run", "--config", str(cfg), "--data-dir", str(tmp_path / "data"), "--run-id", "r1"]
    )
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert f"{cfg}:" in result.output  # the file (and line) is named
    assert hits == []  # nothing was fetched
    assert not (tmp_path / "data" / "raw").exists()


def test_stage_without_config_or_snapshot_explains(tmp_path: Path) -> None:
    (tmp_path / "runs" / "r9").mkdir(parents=True)
    result = CliRunner().invoke(main, ["dedup", "--data-dir", str(tmp_path), "--run-id", "r9"])
    assert result.exit_code == 2
    assert "no config for run 'r9': pass --config FILE" in result.output


@pytest.mark.parametrize(
    ("stage", "expected"),
    [("dedup", "no run 'nonexistent'"), ("load", "no run 'nonexistent'"),
     ("report", "no warehouse at")],
)  # fmt: skip
def test_a_stage_of_an_unknown_run_creates_nothing(
    tmp_path: Path, stage: str, expected: str
) -> None:
    # Regression: 'report --run-id nonexistent --config Y' left runs/nonexistent/config.json,
    # which then counted as the most recent run.
    cfg = tmp_path / "sites.yaml"
    cfg.write_text("sites:\n  - name: a\n    url: http://127.0.0.1:9/\n")
    data = tmp_path / "data"
    args = [stage, "--data-dir", str(data), "--run-id", "nonexistent", "--config", str(cfg)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert not (data / "runs" / "nonexistent").exists()


def test_help_lists_every_stage() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for cmd in ("run", "crawl", "extract", "dedup", "topics", "audit", "load", "report", "demo"):
        assert cmd in result.output


def test_eval_dedup_prints_precision_and_recall(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from pipeline.cli import main

    text = "one two three four five six seven eight nine ten eleven twelve"
    docs = [
        {"id": "a", "text": text},
        {"id": "b", "text": text + " thirteen"},
        {"id": "c", "text": "x"},
    ]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval-dedup", str(corpus), "--threshold", "0.8"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)["0.8"]
    assert (report["pairs"], report["true_pairs"], report["precision"], report["recall"]) == (
        1,
        1,
        1.0,
        1.0,
    )
    corpus.write_text('{"id": "a"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval-dedup", str(corpus)])
    assert result.exit_code != 0 and "corpus.jsonl:1" in result.output


def test_exit_codes_by_kind_of_error(tmp_path: Path) -> None:
    from pipeline.cli import _exit_code
    from pipeline.config import ConfigError
    from pipeline.io import DuplicateKeyError, MissingInputError
    from pipeline.runstate import EmptyRunError
    from pipeline.warehouse import CheckFailedError, LoadError

    assert _exit_code(ConfigError("x")) == 2
    assert _exit_code(MissingInputError("x")) == 2
    assert _exit_code(EmptyRunError("x")) == 3
    assert _exit_code(LoadError("load/x.sql", "boom")) == 4
    assert _exit_code(CheckFailedError("chk_x", 1, [])) == 4
    assert _exit_code(DuplicateKeyError(tmp_path / "f.parquet", ("k",), [("v",)])) == 4
    assert _exit_code(KeyError("a bug")) == 1


def test_an_internal_error_is_one_line_unless_debug(tmp_path: Path) -> None:
    # A stage file that is not Parquet: the reader's own exception, not a project error.
    run = tmp_path / "runs" / "r1"
    (run / "extract").mkdir(parents=True)
    (run / "config.json").write_text('{"sites": [{"name": "a", "url": "http://127.0.0.1:9/"}]}')
    (run / "extract" / "posts.parquet").write_bytes(b"not parquet")
    args = ["dedup", "--data-dir", str(tmp_path), "--run-id", "r1"]
    plain = CliRunner().invoke(main, args)
    assert plain.exit_code == 1
    assert plain.output.startswith("internal error (") and "--debug" in plain.output
    assert "Traceback" not in plain.output
    debug = CliRunner().invoke(main, [*args, "--debug"])
    assert debug.exit_code == 1 and "Traceback" in debug.output
