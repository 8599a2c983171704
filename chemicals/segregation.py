"""Which chemicals must not share a cabinet.

The compatibility table between storage classes is data (`data/segregation.json`, with the source
it follows named in it); one rule goes by the national flags instead: drug precursors (易制毒) and
explosive precursors (易制爆) never share a cabinet.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import StorageClass

DATA_FILE = Path(__file__).resolve().parent / "data" / "segregation.json"


@cache
def _table() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        doc = json.load(fh)
    pairs = {}
    for a, b, reason_en, reason_zh in doc["incompatible"]:
        if a not in StorageClass.values or b not in StorageClass.values:
            raise ValueError(f"segregation.json names an unknown storage class: {a}, {b}")
        pairs[frozenset((a, b))] = (reason_en, reason_zh)
    return {"source": doc["source"], "source_zh": doc.get("source_zh", doc["source"]), "pairs": pairs}


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def source() -> str:
    table = _table()
    return table["source_zh"] if _zh() else table["source"]


def _reason(pair) -> str:
    en, zh = _table()["pairs"][pair]
    return zh if _zh() else en


def incompatible_pairs() -> list[tuple[str, str, str]]:
    """(class, class, reason in the active language) for the table page."""
    return [(*sorted(pair), _reason(pair)) for pair in _table()["pairs"]]


@dataclass(frozen=True)
class Conflict:
    reason: str


def in_conflict(a, b) -> bool:
    """Whether chemicals `a` and `b` must not share a cabinet (`conflict_between` without its reason)."""
    if a.pk == b.pk:
        return False
    if (a.drug_precursor and b.explosive_precursor) or (a.explosive_precursor and b.drug_precursor):
        return True
    return frozenset((a.storage_class, b.storage_class)) in _table()["pairs"]


def conflict_between(a, b) -> Conflict | None:
    """Why chemicals `a` and `b` must not share a cabinet (None when they may)."""
    if not in_conflict(a, b):
        return None
    if (a.drug_precursor and b.explosive_precursor) or (a.explosive_precursor and b.drug_precursor):
        return Conflict(_("drug precursors and explosive precursors must never share a cabinet"))
    pair = frozenset((a.storage_class, b.storage_class))
    if pair in _table()["pairs"]:
        return Conflict(_("%(a)s and %(b)s must be kept apart: %(reason)s") % {
            "a": StorageClass(a.storage_class).label, "b": StorageClass(b.storage_class).label,
            "reason": _reason(pair)})
    return None
