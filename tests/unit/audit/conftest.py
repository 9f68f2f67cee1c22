from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def seeds(shared_dir: Path) -> dict[str, str]:
    """The five seed posts by their three-digit prefix ("000" … "004")."""
    return {
        p.name[:3]: p.read_text(encoding="utf-8")
        for p in sorted((shared_dir / "seeds").glob("*.txt"))
    }
