"""Detectors on the real-text labeled set (issue 17).

    .venv/bin/python benchmarks/detectors/real_eval.py [--test] [--errors dev] [--out FILE]

Method: ``pipeline.audit.evaluate_real``'s docstring and ``README.md`` here. Without ``--test``
only the tuning (``dev``) rows are printed: the test part is looked at once per change, and each
look is logged in the README.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pipeline.audit.evaluate_real import evaluate_real  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--test", action="store_true", help="also print the test part's rows")
    ap.add_argument("--errors", choices=("none", "dev"), default="none")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    results = evaluate_real(errors=args.errors)
    for subset, result in results.items():
        print(f"=== {subset}")
        for line in result.table().splitlines():
            if args.test or not (" test " in line or " all " in line):
                print(line)
    for line in results["posts"].evaluation.errors:
        print(line)
    if args.out:
        payload = {k: v.as_json() for k, v in results.items()}
        args.out.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
