"""``python -m pipeline.demo [--config demo.yaml]``: build and serve the demo sites until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import tempfile
import threading
from pathlib import Path

from pipeline.demo import build_sites, serve_sites, write_demo_config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.demo", description=__doc__)
    parser.add_argument("--config", type=Path, help="also write a crawl config for the sites here")
    args = parser.parse_args(argv)
    # `kill`/`docker stop` send SIGTERM: stop as on Ctrl-C so the temp dir is removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="content-audit-demo-") as tmp:
        sites = build_sites(Path(tmp))
        with serve_sites(Path(tmp)) as served:
            counts = {site.name: len(site.posts) for site in sites}
            for s in served:
                print(f"{s.name:<14} {s.url}  ({counts[s.name]} posts)")
            if args.config:
                print(f"config written to {write_demo_config(args.config, served)}")
            print("Serving; press Ctrl-C to stop.", flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
