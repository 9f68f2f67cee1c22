"""Fixtures of the extract tests: the development set and a model trained on its 80 % split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract.devsets import PageSet
from pipeline.extract.model import BlockClassifier
from pipeline.extract.train import DevPage, fit_pages, is_held_out, load_dev_pages


def _shared_set(shared_dir: Path, name: str) -> Path:
    path = shared_dir / "data" / name
    if not (path / "ground-truth.json").exists():
        pytest.skip(f"{name} is not in ../shared")
    return path


@pytest.fixture(scope="session")
def dev_dir(shared_dir: Path) -> Path:
    return _shared_set(shared_dir, "extraction-dev")


@pytest.fixture(scope="session")
def more_dir(shared_dir: Path) -> Path:
    return _shared_set(shared_dir, "extraction-more")


@pytest.fixture(scope="session")
def dev_set(dev_dir: Path) -> PageSet:
    return PageSet.load(dev_dir)


@pytest.fixture(scope="session")
def dev_truth(dev_dir: Path) -> dict[str, Any]:
    truth: dict[str, Any] = json.loads((dev_dir / "ground-truth.json").read_text())
    return truth


@pytest.fixture(scope="session")
def dev_pages(dev_dir: Path) -> list[DevPage]:
    return load_dev_pages(dev_dir)


@pytest.fixture(scope="session")
def split_model(dev_pages: list[DevPage]) -> BlockClassifier:
    """Trained on the training split only, so held-out pages are really unseen."""
    return fit_pages([p for p in dev_pages if not is_held_out(p.page_id)], random_state=0)
