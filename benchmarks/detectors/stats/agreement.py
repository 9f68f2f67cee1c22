"""Agreement of the two statistic labeling passes (issue 17): Cohen's kappa on the items both
labeled (``labels/pass2.csv``, a fifth of the candidates, read in another order by another
labeler), written to ``agreement.json``.

    python benchmarks/detectors/stats/agreement.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

HERE = Path(__file__).resolve().parent


def read(paths: list[Path]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            out.update({r["cid"]: r["label"].strip() == "yes" for r in csv.DictReader(fh)})
    return out


def main() -> int:
    first = read(sorted((HERE / "labels").glob("pass1_chunk*.csv")))
    second = read([HERE / "labels" / "pass2.csv"])
    keys = sorted(set(first) & set(second))
    a, b = [first[k] for k in keys], [second[k] for k in keys]
    report = {
        "candidates": len(first),
        "yes_first_pass": sum(first.values()),
        "double_labeled": len(keys),
        "agreement": round(sum(x == y for x, y in zip(a, b, strict=True)) / len(keys), 3),
        "kappa": round(float(cohen_kappa_score(a, b)), 3),
        "yes_first": sum(first[k] for k in keys),
        "yes_second": sum(second[k] for k in keys),
    }
    (HERE / "agreement.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
