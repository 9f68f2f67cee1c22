"""The packaged models, loaded with skops once per data directory, then from a pickle of them.

skops builds only the types a model may hold (``TRUSTED_TYPES``): safe, but slow (2.0 s for the
promo model, 0.7 s for the filler model, against 0.02 s to unpickle the same objects), and every
pool worker of every audit loads them: at the rerun of a 10,000-post corpus that was 15 % of the
audit's CPU (py-spy). So the first load under a data directory keeps a pickle of what skops
built (``<data>/_cache/models/<model>-<digest>.pickle``) and later loads read it. The digest
covers the model file's bytes, the trusted types and the versions of Python, scikit-learn,
NumPy, SciPy and skops: another model or another library is another file.

The pickles are written by this package into the data directory, trusted like the page and
text-findings caches there. One that cannot be read is logged and skops loads the model again;
one that cannot be written is logged and the run goes on.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sys
from collections.abc import Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pipeline.io import atomic_write_bytes

log = logging.getLogger(__name__)

CACHE_DIR = Path("_cache") / "models"
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "skops")


def cache_dir(data_dir: Path) -> Path:
    return data_dir / CACHE_DIR


@cache
def _libraries() -> str:
    found = []
    for name in _LIBRARIES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=none")
    return f"python={sys.version_info[:3]};" + ";".join(found)


def cached_file(path: Path, trusted: Sequence[str], where: Path) -> Path:
    """Where the pickle of the model at ``path`` is kept under ``where``."""
    digest = hashlib.sha256(path.read_bytes())
    for part in (*sorted(trusted), _libraries()):
        digest.update(b"\x1f" + part.encode())
    return where / f"{path.stem}-{digest.hexdigest()[:20]}.pickle"


def trusted_load(path: Path, trusted: Sequence[str], where: Path | None = None) -> Any:
    """``skops.io.load(path, trusted=trusted)``; with ``where``, through a pickle of the loaded
    model kept there. A missing model file raises ``FileNotFoundError`` either way."""
    from skops.io import load

    if where is None:
        return load(path, trusted=list(trusted))
    kept = cached_file(path, trusted, where)  # reads the model file: raises if it is missing
    try:
        with kept.open("rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        pass
    except Exception as exc:  # any unpickling error: the model is loaded the safe way again
        log.warning("model cache %s unreadable, loading %s with skops: %s", kept, path, exc)
    model = load(path, trusted=list(trusted))
    try:
        atomic_write_bytes(kept, pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:
        log.warning("model cache %s not written (%s); the next load uses skops again", kept, exc)
    return model
