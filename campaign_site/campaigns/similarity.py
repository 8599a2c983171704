"""Copy detection: how much of a school's plan is taken from the bureau's own plan.

The seeds forbid it ("严禁照抄照搬上级方案"). Both texts are reduced to their letters and digits
(whitespace and punctuation removed, Latin letters lower-cased), cut into overlapping
character shingles of SHINGLE characters, and the school plan's shingles are looked up in the
set of the bureau's. similarity = share of the school plan's shingle positions found in the
bureau plan (containment, not symmetric: a short plan that is all copied scores 1.0 however
long the bureau's is).

Consecutive (overlapping) matching shingles are merged into copied passages; the longest
MAX_PASSAGES are kept with their offsets in the school's original text so the plan page can
highlight them. One pass over each text with a set lookup: linear, fast for 50-page plans.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings

SHINGLE = 8
COPY_THRESHOLD: float = getattr(settings, "CAMPAIGN_PLAN_COPY_THRESHOLD", 0.5)
MAX_PASSAGES = 10


def _keep(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "N")


def normalise(text: str) -> tuple[str, list[int]]:
    """Letters and digits only, lower-cased; with each kept character's offset in `text`."""
    chars, offsets = [], []
    for i, ch in enumerate(text or ""):
        if _keep(ch):
            chars.append(ch.lower())
            offsets.append(i)
    return "".join(chars), offsets


def shingles(normalised: str, k: int = SHINGLE) -> set[str]:
    return {normalised[i : i + k] for i in range(len(normalised) - k + 1)}


@dataclass
class Result:
    similarity: float
    passages: list[dict]  # {"start", "end" (offsets in the original text), "length", "text"}

    @property
    def flagged(self) -> bool:
        return self.similarity >= COPY_THRESHOLD


def compare(plan_text: str, source_text: str, *, k: int = SHINGLE, max_passages: int = MAX_PASSAGES) -> Result:
    """Containment of `plan_text` (the school's) in `source_text` (the bureau's)."""
    norm, offsets = normalise(plan_text)
    total = len(norm) - k + 1
    if total <= 0 or not source_text:
        return Result(0.0, [])
    source = shingles(normalise(source_text)[0], k)
    if not source:
        return Result(0.0, [])
    matched = 0
    spans: list[list[int]] = []  # [start, end) in normalised characters
    for i in range(total):
        if norm[i : i + k] in source:
            matched += 1
            if spans and i <= spans[-1][1]:
                spans[-1][1] = i + k
            else:
                spans.append([i, i + k])
    spans.sort(key=lambda s: s[1] - s[0], reverse=True)
    passages = []
    for start, end in spans[:max_passages]:
        o_start, o_end = offsets[start], offsets[end - 1] + 1
        passages.append({"start": o_start, "end": o_end, "length": end - start, "text": plan_text[o_start:o_end]})
    return Result(round(matched / total, 4), passages)


def highlight_segments(text: str, passages: list[dict]) -> list[tuple[str, bool]]:
    """Cut `text` into (segment, copied?) pieces for the plan page."""
    ranges = sorted((p["start"], p["end"]) for p in passages if 0 <= p["start"] < p["end"] <= len(text))
    merged: list[list[int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out
