"""Markdown tables of a benchmark result (the dict ``run.py`` writes as JSON)."""

from __future__ import annotations

from typing import Any


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def quality_table(rows: dict[str, dict[str, Any]]) -> list[str]:
    head = ["extractor", "F1", "P", "R", "with found", "without leaked", "pages/s", "peak RSS MB"]
    lines = [_row(head), _row(["---"] * len(head))]
    for name, r in rows.items():
        o = r["overall"]
        lines.append(
            _row(
                [
                    name + (" (CV)" if "CV" in r["quality_from"] else ""),
                    f"{o['f1']:.3f}",
                    f"{o['precision']:.3f}",
                    f"{o['recall']:.3f}",
                    f"{o['with_coverage']:.3f}",
                    f"{o['without_leak']:.3f}",
                    f"{r['pages_per_s']:.1f}",
                    f"{r['peak_rss_mb']:.0f}",
                ]
            )
        )
    return lines


def speed_table(rows: dict[str, dict[str, Any]]) -> list[str]:
    names = list(rows)
    types = list(next(iter(rows.values()))["pages_per_s_by_type"])
    lines = [_row(["page_type", *names, "content-audit / trafilatura"]),
             _row(["---"] * (len(names) + 2))]  # fmt: skip
    for t in types:
        speeds = {n: rows[n]["pages_per_s_by_type"].get(t, 0.0) for n in names}
        ratio = (
            f"{speeds['content-audit'] / speeds['trafilatura']:.2f}x"
            if speeds.get("trafilatura") and "content-audit" in speeds
            else "-"
        )
        lines.append(_row([t, *[f"{speeds[n]:.1f}" for n in names], ratio]))
    return lines


def paired_table(paired: dict[str, Any]) -> list[str]:
    peer = paired["peer"]
    lines = [_row(["page_type", "content-audit pages/s", f"{peer} pages/s", "ratio"]),
             _row(["---"] * 4)]  # fmt: skip
    for t, r in paired["by_type"].items():
        lines.append(_row([t, f"{r['content-audit']:.1f}", f"{r[peer]:.1f}", f"{r['ratio']:.2f}x"]))
    return lines


def page_type_table(rows: dict[str, dict[str, Any]]) -> list[str]:
    names = list(rows)
    types = list(next(iter(rows.values()))["by_page_type"])
    lines = [_row(["page_type", "pages", *names]), _row(["---"] * (len(names) + 2))]
    for t in types:
        cells = [f"{rows[n]['by_page_type'][t]['f1']:.3f}" for n in names]
        lines.append(_row([t, str(int(rows[names[0]]["by_page_type"][t]["pages"])), *cells]))
    return lines


def metadata_table(metadata: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    names = list(metadata)
    fields = list(next(iter(metadata.values())))
    head = ["field", "pages with gold", *[f"{n} (gold / all)" for n in names]]
    lines = [_row(head), _row(["---"] * len(head))]
    for f in fields:
        first = metadata[names[0]][f]
        cells = [f"{metadata[n][f]['with_gold']:.3f} / {metadata[n][f]['all']:.3f}" for n in names]
        lines.append(_row([f, f"{int(first['n_gold'])}/{int(first['n'])}", *cells]))
    return lines


def print_tables(result: dict[str, Any]) -> None:
    env = result["environment"]
    print(
        f"\n{result['pages']} pages; commit {env['commit']}"
        f"{' + local changes to pipeline/extract' if env['extract_package_modified'] else ''}; "
        f"{env['time']}; {env['cpus']} CPUs, load {env['load_average_at_start']}"
    )
    rows = result["extractors"]
    print(f"\nTuning part ({result['pages']} pages of {', '.join(result.get('sets', []))}), "
          f"speed over {result.get('timed_pages', result['pages'])} pages\n")  # fmt: skip
    print("\n".join(quality_table(rows)))
    print("\nF1 by page_type\n\n" + "\n".join(page_type_table(rows)))
    print("\npages/s by page_type\n\n" + "\n".join(speed_table(rows)))
    paired = result.get("speed_paired")
    if paired:
        print(f"\npages/s by page_type, paired with {paired['peer']} page by page "
              f"({paired['rounds']} rounds, per-page medians)\n")  # fmt: skip
        print("\n".join(paired_table(paired)))
    untouched = result.get("untouched")
    if untouched:
        held = untouched["extractors"]
        print(f"\nUntouched slice ({untouched['pages']} pages)\n")
        print("\n".join(quality_table(held)))
        print("\nF1 by page_type (untouched)\n\n" + "\n".join(page_type_table(held)))
    for key, value in result["best_per_page_f1"].items():
        print(f"\nbest extractor per page ({key}): mean F1 {value:.3f}")
    shipped = rows.get("content-audit", {}).get("shipped_model_in_sample")
    if shipped:
        print(
            "content-audit's shipped model on its own training pages (not a score): "
            f"F1 {shipped['f1']:.3f}"
        )
    site = result.get("site_evidence")
    if site:
        alone, with_site = site["page_alone"], site["with_site_evidence"]
        print(
            f"\nsite evidence on the {site['pages']} pages of the {site['sites']} sites with 3+ "
            f"pages: F1 {alone['f1']:.3f} -> {with_site['f1']:.3f}, without leaked "
            f"{alone['without_leak']:.3f} -> {with_site['without_leak']:.3f}, with found "
            f"{alone['with_coverage']:.3f} -> {with_site['with_coverage']:.3f}"
        )
    if result["metadata"]:
        print("\nMetadata accuracy\n\n" + "\n".join(metadata_table(result["metadata"])))
