"""Detectors on the hand-labeled sentence set (issue 7, "Measured targets", set 1).

    .venv/bin/python benchmarks/detectors/labeled.py [--out labeled-results.json] [--errors dev]

Same as ``content-audit eval-detectors``; the method is ``pipeline.audit.evaluate``'s docstring
and ``README.md`` here. ``--errors dev`` lists the dev split's false positives and negatives
(the test split's are never listed: its figures stay untouched by detector revisions).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pipeline.audit.evaluate import evaluate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=HERE / "labeled-results.json")
    ap.add_argument("--errors", choices=("none", "dev"), default="none")
    args = ap.parse_args()
    result = evaluate(HERE / "labeled", errors=args.errors)
    print(result.table())
    for line in result.errors:
        print(line)
    args.out.write_text(json.dumps(result.as_json(), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
