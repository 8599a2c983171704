import time

from campaign_site.campaigns.similarity import COPY_THRESHOLD, compare, highlight_segments, normalise

from . import factories as cf


def test_copied_plan_flagged_with_longest_passages_first():
    plan = "我校实施方案。" + cf.BUREAU_PLAN[:120] + "本校另有安排：食堂燃气每周检查一次。" + cf.BUREAU_PLAN[150:200]
    result = compare(plan, cf.BUREAU_PLAN)
    assert result.flagged and result.similarity >= COPY_THRESHOLD
    lengths = [p["length"] for p in result.passages]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] >= 90
    # offsets point into the original text, punctuation included
    first = result.passages[0]
    assert plan[first["start"]:first["end"]] == first["text"]
    assert first["text"].startswith("各学校要分别制定")


def test_original_plan_not_flagged():
    result = compare("\n".join(cf.ORIGINAL_PLAN), cf.BUREAU_PLAN)
    assert not result.flagged and result.similarity < 0.1


def test_whitespace_and_punctuation_do_not_hide_copying():
    disguised = " ".join(cf.BUREAU_PLAN.replace("，", " ; ").replace("。", "\n"))
    assert compare(disguised, cf.BUREAU_PLAN).similarity > 0.95


def test_short_or_empty_texts():
    assert compare("", cf.BUREAU_PLAN).similarity == 0
    assert compare("安全", cf.BUREAU_PLAN).passages == []
    assert compare(cf.BUREAU_PLAN, "").similarity == 0


def test_fifty_page_plan_is_fast():
    bureau = cf.BUREAU_PLAN * 40
    school = ("".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(60_000))) + cf.BUREAU_PLAN * 10
    started = time.perf_counter()
    result = compare(school, bureau)
    assert time.perf_counter() - started < 2.0
    assert 0 < result.similarity < COPY_THRESHOLD and len(result.passages) <= 10


def test_highlight_segments_cover_text():
    text = "前言" + cf.BUREAU_PLAN[:60] + "结尾"
    result = compare(text, cf.BUREAU_PLAN)
    segments = highlight_segments(text, result.passages)
    assert "".join(s for s, _ in segments) == text
    assert any(copied for _, copied in segments)


def test_normalise_keeps_offsets():
    norm, offsets = normalise("甲，乙 丙")
    assert norm == "甲乙丙" and offsets == [0, 2, 4]
