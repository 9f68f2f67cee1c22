"""The promo sentence classifier: definition, labeled data, and safe (skops) persistence.

TF-IDF word 1-2-grams + character 2-5-grams (robust to brand names and spelling variants such as
"counsellor"/"counselor") → LogisticRegression with balanced class weights. Trained by
``pipeline/audit/train_promo.py`` from ``data/promo_sentences.csv`` (sentences written for this
project, none from the seeds) plus the hand-labeled detector set, which includes the seeds and the
demo posts: the shipped model has seen them, so the seed tests check the detectors end to end,
and the fair figures are the cross-fitted ones of ``benchmarks/detectors/labeled.py``. The same
family, loader and writer serve the filler classifier (``filler_model``).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.audit.modelcache import trusted_load

# scikit-learn is imported where a model is built or trained: the audit stage's own process
# never scores (its pool workers do), and importing it there delayed every audit by 1.4 s.
if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_PATH = PACKAGE_DIR / "data" / "promo_sentences.csv"
MODEL_PATH = PACKAGE_DIR / "models" / "promo_model.skops"
REAL_SENTENCES = PACKAGE_DIR.parents[1] / "benchmarks" / "detectors" / "real" / "sentences.csv"
LABELS = {"promo": 1, "not_promo": 0}
RANDOM_STATE = 0
HELD_OUT_SHARE = 0.25

# Types skops may instantiate when loading the model: exactly what ``build_model`` produces.
# Anything else in the file (a tampered or foreign model) makes the load fail.
# What every calibrated linear pipeline of the audit holds (also the verifiers', ``verify``).
CALIBRATED_LINEAR_TYPES: list[str] = [
    "builtins.getattr",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]
TRUSTED_TYPES: list[str] = [
    *CALIBRATED_LINEAR_TYPES,
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.pipeline.FeatureUnion",
    "pipeline.audit.promo_cues.PromoCues",  # the promo model's cues (build_promo_model)
]


class PromoModelError(RuntimeError):
    """A packaged sentence model (promo or filler) is missing; the message names the command
    that retrains it."""


def build_model() -> Pipeline:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                ),
            ),
        ]
    )
    classifier = LogisticRegression(
        C=4.0, class_weight="balanced", max_iter=2000, random_state=RANDOM_STATE
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def build_promo_model(c: float = 2.0) -> Pipeline:
    """The promo model: the same word and character n-grams plus ``promo_cues.PromoCues`` (the
    cues that transfer to sites the model never saw), a balanced LogisticRegression, and a
    sigmoid calibration (3 folds) so that its probability reads as "how often a sentence scored
    like this is promo", which the detector's threshold and the findings' severity rely on."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from pipeline.audit.promo_cues import PromoCues

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=3
                ),
            ),
            ("cues", PromoCues()),
        ]
    )
    classifier = CalibratedClassifierCV(
        LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=RANDOM_STATE),
        method="sigmoid",
        cv=3,
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def load_labeled(
    path: Path = DATA_PATH, labels: dict[str, int] | None = None
) -> tuple[list[str], list[int]]:
    """Sentences and labels from a ``text,label`` CSV (default: the promo sentences, 1 = promo);
    unknown labels raise naming the row."""
    mapping = labels or LABELS
    texts, out = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row_no, row in enumerate(csv.DictReader(fh), start=2):
            if row["label"] not in mapping:
                raise ValueError(f"{path}:{row_no}: label must be one of {sorted(mapping)}")
            texts.append(row["text"])
            out.append(mapping[row["label"]])
    return texts, out


SNIPPETS = PACKAGE_DIR.parents[1] / "benchmarks" / "detectors" / "injection_material"


def load_snippets(split: str = "dev") -> tuple[list[str], list[int]]:
    """Real boilerplate snippets of the shared sets (text a page showed outside its article),
    labeled by helpers: ``cta`` is promo, ``chrome``/``other`` are not (``message`` lines, site
    messaging that may or may not sell, are left out). Only the tuning part's sites (``split``
    "dev"): the test part's snippets are the injection benchmark's material, never training.
    Empty when the repository is not there (an installed package)."""
    if not (SNIPPETS / "labels.csv").exists():
        return [], []
    with (SNIPPETS / "labels.csv").open(encoding="utf-8", newline="") as fh:
        label = {r["sid"]: r["label"] for r in csv.DictReader(fh)}
    texts, out = [], []
    with (SNIPPETS / "snippets.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            lab = label.get(r["sid"])
            if r["split"] == split and lab in ("cta", "chrome", "other"):
                texts.append(r["text"])
                out.append(int(lab == "cta"))
    return texts, out


def promo_base() -> tuple[list[str], list[int]]:
    """What every promo sentence model is trained on besides the real labeled set: the written
    sentences, the older hand-labeled set and the tuning sites' real snippets."""
    from pipeline.audit.filler_model import load_labeled_set

    x, y = load_labeled()
    sx, sy = load_snippets("dev")
    lx, ly = load_labeled_set("promo")
    return x + sx + lx, y + sy + ly


def save_model(model: Pipeline, model_path: Path) -> Path:
    """Write a fitted pipeline with skops, atomically."""
    from skops.io import dump

    model_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = model_path.with_suffix(".tmp")
    # The vocabularies are stored as JSON by skops; deflate takes the file from ~9 MB to <1 MB.
    dump(model, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(model_path)
    return model_path


def split_labeled(
    texts: list[str], labels: list[int]
) -> tuple[list[str], list[str], list[int], list[int]]:
    """Stratified train / held-out split, fixed seed: (train_x, test_x, train_y, test_y)."""
    from sklearn.model_selection import train_test_split

    parts = train_test_split(
        texts, labels, test_size=HELD_OUT_SHARE, stratify=labels, random_state=RANDOM_STATE
    )
    return parts[0], parts[1], parts[2], parts[3]


@lru_cache(maxsize=4)
def load_model(
    path: Path = MODEL_PATH, retrain: str = "train-promo", cache: Path | None = None
) -> Pipeline:
    """The trained pipeline, loaded with skops and only ``TRUSTED_TYPES`` allowed (``cache``:
    where loaded models are kept, ``modelcache``); a missing file raises ``PromoModelError``
    naming ``content-audit <retrain>``."""
    try:
        model: Pipeline = trusted_load(path, TRUSTED_TYPES, cache)
    except FileNotFoundError as exc:
        raise PromoModelError(f"model not found at {path}; run 'content-audit {retrain}'") from exc
    return model


def positive_probabilities(model: Pipeline, texts: Sequence[str]) -> list[float]:
    """P(class 1) per sentence."""
    if not texts:
        return []
    return [float(p) for p in model.predict_proba(list(texts))[:, 1]]


def promo_probabilities(texts: Sequence[str]) -> list[float]:
    """P(promo) per sentence from the packaged model (loaded once per process)."""
    return positive_probabilities(load_model(), texts) if texts else []
