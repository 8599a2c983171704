"""The circular's Word document for a large district: reports.circular.write_docx with an
attachment table of `--schools` rows (no database: the content is made here, as build_content
stores it), time and peak memory.

    .venv/bin/python bench/bench_circular_docx.py [--schools 3000]
"""
from __future__ import annotations

import argparse
import datetime
import time
import tracemalloc
import types

from _setup import django_setup


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=3000)
    n = parser.parse_args().schools
    django_setup()
    from reports.circular import write_docx

    late = "、".join(f"第{i}小学" for i in range(n // 10))
    content = {
        "addressee": "各学校：", "opening": "现将本月攻坚行动进展情况通报如下。", "signature": "测试区教育局",
        "sections": [{"heading": "一、总体进展", "paragraphs": ["各校按要求开展隐患排查整治。" * 10] * 3, "cases": []},
                     {"heading": "三、月报报送情况", "paragraphs": [f"逾期报送（{n // 10}所）：{late}。"], "cases": []}],
        "attachment": {"title": "各学校月报报送情况及主要数据统计表",
                       "headers": ["序号", "学校", "报送情况", "排查隐患", "整改销号", "整改率（%）", "逾期", "挂牌"],
                       "rows": [[str(i), f"第{i}小学", "按时报送", "12", "10", "83.3", "1", "0"]
                                for i in range(1, n + 1)]},
    }
    circular = types.SimpleNamespace(content=content, title="关于攻坚行动进展情况的通报", number="测试区教育局安全通报〔2026〕1号",
                                     date=datetime.date(2026, 5, 5),
                                     organisation=types.SimpleNamespace(name="测试区教育局"))
    tracemalloc.start()
    started = time.perf_counter()
    data = write_docx(circular)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    print(f"circular .docx, {n} schools: {elapsed:.1f} s, {len(data) / 1024:.0f} KiB, peak {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
