"""Extraction runs in a light process: no training, warehouse, crawl or CLI libraries loaded.

``import pipeline.extract`` once cost 231 MB of RSS (scikit-learn through the skops loader,
pytest through skops' trusted types, httpx and pydantic through ``pipeline.crawl``, pyarrow
through ``pipeline.records``), more than trafilatura's whole peak. A real interpreter is started
so that nothing this test process already imported hides a regression.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
HEAVY = frozenset(
    {"sklearn", "scipy", "skops", "pyarrow", "httpx", "pydantic", "rich", "pytest", "bs4",
     "threadpoolctl", "duckdb", "click", "yaml", "warcio", "charset_normalizer"}
)  # fmt: skip
SCRIPT = f"""
import json, sys
import pipeline.extract as e
from pipeline.extract.inference import shipped_model
e.main_text("<p>hi</p>")
assert shipped_model.cache_info().currsize == 1  # the blocks were scored by the model
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({sorted(HEAVY)!r}))))
"""


def test_main_text_loads_no_heavy_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
