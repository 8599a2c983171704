"""List pages with and without the frame-stack reserve, at several depths of the caller's stack.

    .venv/bin/python bench/bench_stack.py [--repeat 15] [--depths 0,2,4,6,8,10,12,14]
                                          [--only hazards:hazard_list,chemicals:requisition_list]

On CPython 3.11/3.12 a loop that sits at a 16 KiB chunk boundary of the interpreter's frame stack
maps and unmaps a chunk on every call (gh-142183; campaign_site/generic/stack.py). Where that
boundary falls depends on how deep the caller's stack is, which the application does not choose
(gunicorn, the test client and this script all differ). For each page this script adds 0…N frames
under the request and, in the same process and round-robin, requests it with the reserve
(`StackReserveMiddleware` as shipped) and without it (the middleware turned into a plain call):
the medians per depth show the spread the boundary causes and what the reserve leaves of it.
Needs the database of bench/generate.py (the lists bench_lists.py fills).
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time

from _setup import ROOT, django_setup

DEFAULT_PAGES = "hazards:hazard_list,chemicals:requisition_list,chemicals:count_list,schoolbus:violation_list"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--depths", default="0,2,4,6,8,10,12,14")
    parser.add_argument("--only", default=DEFAULT_PAGES)
    parser.add_argument("--per-page", type=int, default=100)
    args = parser.parse_args()
    django_setup()
    sys.path.insert(0, str(ROOT))

    from django.conf import settings
    from django.test import Client
    from django.urls import clear_url_caches, reverse

    from campaign_site.accounts.models import User
    from campaign_site.generic import stack

    if not stack.NEEDED:
        print(f"Python {sys.version.split()[0]} caches a chunk per thread: nothing to compare")
        return
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()
    client = Client()
    client.force_login(User.objects.get(username="bench_bureau"))
    variants = {"without reserve": stack._plain, "with reserve": stack.call_with_reserve}
    depths = [int(d) for d in args.depths.split(",")]

    def nested(levels, url, params):
        return nested(levels - 1, url, params) if levels else client.get(url, params)

    print(f"Python {sys.version.split()[0]}; medians of {args.repeat} requests per cell, ?per_page={args.per_page}\n")
    print("| page | variant | " + " | ".join(f"+{d}" for d in depths) + " | best | worst |")
    print("|---|---|" + "---|" * (len(depths) + 2))
    for name in args.only.split(","):
        url, params = reverse(name), {"per_page": args.per_page}
        for _ in range(3):
            client.get(url, params)
        gc.collect()
        gc.freeze()
        times = {v: {d: [] for d in depths} for v in variants}
        for _ in range(args.repeat):
            for depth in depths:
                for variant, call in variants.items():
                    stack.call_with_reserve = call  # StackReserveMiddleware looks it up per request
                    t0 = time.perf_counter()
                    response = nested(depth, url, params)
                    times[variant][depth].append(time.perf_counter() - t0)
                    assert response.status_code == 200
        stack.call_with_reserve = variants["with reserve"]
        for variant in variants:
            medians = [statistics.median(times[variant][d]) * 1000 for d in depths]
            cells = " | ".join(f"{m:.1f}" for m in medians)
            print(f"| {name} | {variant} | {cells} | {min(medians):.1f} | {max(medians):.1f} |")


if __name__ == "__main__":
    main()
