"""Hazardous-chemical ledgers at scale (issue 8 numbers) on PostgreSQL:

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_chem \\
        .venv/bin/python bench/bench_chemicals.py [--movements 5000000] [--repeat 11] [--races 5]
        [--skip-pages] [--reset]

Needs the tree of bench/generate.py (3,000 schools, the city-bureau user `bench_bureau`;
`generate.py --fresh --hazards 3000` is enough). The first run adds per school a room, three
cabinets (one with two locks) and 20 containers of the curated catalogue, then `--movements`
movements by COPY (a receipt first, then issues, returns, consumption; never below zero; one school
in 50 moves ten times as much), and each container's balance. Then, in one run:

1. a school's general ledger (总账) for the last full year, for a small and a big school: queries
   and time of `selectors.general_ledger` and of the page;
2. the bureau page (`chemicals:bureau`), the general ledger page and every chemicals list page
   against the foundation's target, median ≤ 2 × (empty layout page + own SQL), measured with
   bench_lists.py's `measure` (same rounds, same floor);
3. 50 concurrent issues against one bottle, threads with a connection each (as
   tests/chemicals/test_ledger.py does), `--races` times: final balance == receipts − successful
   issues, every run.
"""
from __future__ import annotations

import argparse
import datetime
import random
import sys
import threading
import time
from decimal import Decimal

from _setup import ROOT, django_setup
from bench_lists import EMPTY_URL, bench_urlconf, list_routes, measure

CONTAINERS_PER_SCHOOL = 20
BIG_EVERY = 50  # one school in 50 moves ten times as much


def _copy(model, columns, rows):
    from django.db import connection

    connection.ensure_connection()
    with connection.connection.cursor() as cur, \
            cur.copy(f'COPY {model._meta.db_table} ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def generate(target: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from campaign_site.accounts.models import Organisation
    from chemicals.models import Cabinet, Chemical, ChemicalRoom, Container, ContainerStock, Movement

    have = Movement.objects.count()
    if have >= target:
        print(f"{have:,} movements already there")
        return
    if have:
        sys.exit(f"{have:,} movements already there, fewer than {target:,}: run generate.py --fresh first.")
    t0 = time.perf_counter()
    rng = random.Random(20251201)
    User = get_user_model()
    keepers = [User.objects.get_or_create(username=f"bench_keeper{i}", defaults={"full_name": f"基准保管员{i}"})[0]
               for i in (1, 2)]
    schools = list(Organisation.objects.schools().order_by("pk"))
    chemicals = list(Chemical.objects.order_by("pk"))
    controlled = [c for c in chemicals if c.is_controlled]
    plain = [c for c in chemicals if not c.is_controlled]
    with transaction.atomic():
        rooms = ChemicalRoom.objects.bulk_create([ChemicalRoom(organisation=s, name="化学药品室") for s in schools])
        cabinets = Cabinet.objects.bulk_create(
            [Cabinet(organisation=s, room=r, code=f"{n}号柜", kind=kind, controlled=(kind == "toxic"),
                     key_holder_1=keepers[0] if kind == "toxic" else None,
                     key_holder_2=keepers[1] if kind == "toxic" else None)
             for s, r in zip(schools, rooms, strict=True) for n, kind in ((1, "general"), (2, "acid_base"), (3, "toxic"))])
        by_school = {}
        for cab in cabinets:
            by_school.setdefault(cab.organisation_id, []).append(cab)
        received = timezone.localdate() - datetime.timedelta(days=3 * 365)
        containers = []
        for s in schools:
            general, acid_base, safe = by_school[s.pk]
            for i in range(CONTAINERS_PER_SCHOOL):
                chem = rng.choice(controlled) if i % 4 == 0 else rng.choice(plain)
                cab = safe if chem.is_controlled else (acid_base if chem.storage_class in ("acid", "base") else general)
                containers.append(Container(organisation=s, chemical=chem, cabinet=cab, position=f"{i // 5 + 1}-{i % 5 + 1}",
                                            received_on=received, unit=rng.choice(("g", "mL")), size=Decimal("500")))
        containers = Container.objects.bulk_create(containers)
    print(f"places: {len(rooms):,} rooms, {len(cabinets):,} cabinets, {len(containers):,} containers "
          f"in {time.perf_counter() - t0:.1f} s")

    # Movements per container: weight 10 for one school in 50.
    weight = {s.pk: (10 if n % BIG_EVERY == 0 else 1) for n, s in enumerate(schools)}
    total_weight = sum(weight[c.organisation_id] for c in containers)
    now = timezone.now()
    start = now - datetime.timedelta(days=3 * 365)
    span = (now - start).total_seconds()
    fields = [f for f in Movement._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    template = [None if f.null else (f.get_default() if f.has_default() else "") for f in fields]
    at = {f.name: i for i, f in enumerate(fields)}
    template[at["created_at"]] = now
    template[at["created_by"]] = keepers[0].pk
    balances = {}
    kinds = ("issue",) * 6 + ("return",) * 3 + ("consumption",)

    def rows():
        made = 0
        for c in containers:
            n = max(2, round(target * weight[c.organisation_id] / total_weight))
            n = min(n, target - made)
            if n <= 0:
                break
            row = list(template)
            row[at["organisation"]], row[at["container"]], row[at["chemical"]] = c.organisation_id, c.pk, c.chemical_id
            row[at["entered_unit"]] = row[at["base_unit"]] = c.unit
            row[at["controlled"]] = ctrl = c.chemical.is_controlled
            row[at["second_person"]] = keepers[1].pk if ctrl else None
            times = sorted(rng.random() for _ in range(n))
            balance = 0
            for k, frac in enumerate(times):
                if k == 0 or balance < 5:
                    kind, q = "receipt", 500
                else:
                    kind = kinds[rng.randrange(10)]
                    q = rng.randint(1, 20)
                    q = min(q, 5) if kind == "return" else -min(q, balance)
                balance += q
                row[at["kind"]] = kind
                row[at["quantity"]] = row[at["base_quantity"]] = q
                row[at["entered_quantity"]] = abs(q)
                row[at["occurred_at"]] = start + datetime.timedelta(seconds=frac * span)
                row[at["reason"]] = "" if kind == "receipt" else "教学实验"
                row[at["counterparty_name"]] = "任课教师" if kind == "issue" else ""
                yield row
                made += 1
                if made % 500_000 == 0:
                    print(f"  {made:,} movements … {time.perf_counter() - t1:.0f} s", flush=True)
            balances[c.pk] = Decimal(balance)

    t1 = time.perf_counter()
    with transaction.atomic():
        # The rows are consistent by construction: skip the per-row foreign-key triggers while
        # copying (superuser; for this transaction only), or COPY runs at ~3,000 rows/s.
        with connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")
        _copy(Movement, columns, rows())
        stock_fields = [f for f in ContainerStock._meta.concrete_fields if not f.primary_key]
        _copy(ContainerStock, [f.column for f in stock_fields],
              ([{"container": pk, "quantity": q, "updated_at": now}.get(f.name) for f in stock_fields]
               for pk, q in balances.items()))
    with connection.cursor() as cur:
        for model in (Movement, ContainerStock, Container):
            cur.execute(f"ANALYZE {model._meta.db_table}")
    print(f"movements: {Movement.objects.count():,} in {time.perf_counter() - t1:.1f} s "
          f"(total {time.perf_counter() - t0:.1f} s)")


def ledger_for_two_schools(client):
    """The general ledger of last year for the smallest and the biggest school by movements."""
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from campaign_site.accounts.models import Organisation
    from chemicals import selectors
    from chemicals.models import Movement

    year = timezone.localdate().year - 1
    counts = list(Movement.objects.filter(occurred_at__year=year).values("organisation")
                  .annotate(n=Count("pk")).order_by("n"))
    print(f"\ngeneral ledger {year} (selector and page as bench_bureau):")
    for row in (counts[0], counts[-1]):
        school = Organisation.objects.get(pk=row["organisation"])
        selectors.general_ledger(organisation=school, year=year)  # warm
        connection.queries_log.clear()  # DEBUG keeps at most 9,000: a full log counts nothing
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            ledgers = selectors.general_ledger(organisation=school, year=year)
            sel = time.perf_counter() - t0
        url = reverse("chemicals:general_ledger")
        client.get(url, {"school": school.pk, "year": year})
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as page_ctx:
            t0 = time.perf_counter()
            assert client.get(url, {"school": school.pk, "year": year}).status_code == 200
            page = time.perf_counter() - t0
        print(f"  {school.name}: {row['n']:,} movements that year, {len(ledgers)} chemicals — selector "
              f"{len(ctx)} queries {sel * 1000:.1f} ms; page {len(page_ctx)} queries {page * 1000:.1f} ms")
    return year, counts[-1]["organisation"]


def race(runs: int) -> None:
    """50 threads, each its own connection, issue 30 g at once from a 1,000 g bottle."""
    from django.db import connection

    from campaign_site.accounts.models import Organisation, Role
    from campaign_site.generic.ledger import InsufficientBalance
    from chemicals import services
    from chemicals.models import Chemical, ContainerStock, Movement, MovementKind
    from tests import factories as f
    from tests.chemicals import factories as cf

    school = Organisation.objects.schools().order_by("pk").first()
    keeper = f.member(school, Role.LAB_CUSTODIAN, username=f"bench_race_{int(time.time())}")
    salt = Chemical.objects.get(cas=cf.SALT)
    print(f"\n50 concurrent issues of 30 g against one 1,000 g bottle, {runs} runs:")
    for run in range(runs):
        shelf = services.cabinet_create(organisation=school, actor=None, room=cf.room(school, f"race{time.time()}"),
                                        code=f"race-{time.time()}")
        bottle = cf.container(school, salt.cas, size="1000", unit="g", in_cabinet=shelf)
        barrier = threading.Barrier(50)
        done, refused, errors = [], [], []

        def issue(bottle=bottle, barrier=barrier, done=done, refused=refused, errors=errors):
            try:
                barrier.wait(timeout=60)
                services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("30"),
                                         actor=keeper)
                done.append(1)
            except InsufficientBalance:
                refused.append(1)
            except Exception as exc:  # reported below
                errors.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=issue) for _ in range(50)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        left = ContainerStock.objects.get(container=bottle).quantity
        books = sum(Movement.objects.filter(container=bottle).values_list("quantity", flat=True))
        receipts = sum(Movement.objects.filter(container=bottle, kind=MovementKind.RECEIPT)
                       .values_list("quantity", flat=True))
        ok = left == receipts - 30 * len(done) == books and left >= 0 and not errors
        print(f"  run {run + 1}: {len(done)} issued, {len(refused)} refused, errors {len(errors)}; balance {left} "
              f"== receipts {receipts} − {30 * len(done)}: {'yes' if ok else 'NO'}; books {books}; "
              f"{time.perf_counter() - t0:.1f} s")
        if errors:
            print("   ", errors[:3])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--races", type=int, default=5)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--reset", action="store_true",
                        help="empty the chemicals tables first (TRUNCATE), e.g. after a small try")
    args = parser.parse_args()
    django_setup()
    sys.path.insert(0, str(ROOT))

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import clear_url_caches, reverse

    from campaign_site.accounts.models import User

    call_command("migrate", verbosity=0)
    if args.reset:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("TRUNCATE chemicals_movement, chemicals_containerstock, chemicals_container, "
                        "chemicals_cabinet, chemicals_chemicalroom CASCADE")
    generate(args.movements)
    settings.ROOT_URLCONF = bench_urlconf()
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()
    client = Client()
    client.force_login(User.objects.get(username="bench_bureau"))
    print(f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    year, big = ledger_for_two_schools(client)
    if not args.skip_pages:
        pages = [("empty layout page", EMPTY_URL, None),
                 (f"chemicals:general_ledger (biggest school, {year}) @-", reverse("chemicals:general_ledger"),
                  {"school": big, "year": year})]
        for route in list_routes():
            if route.name.startswith("chemicals:"):
                for n in (10, 100):
                    pages.append((f"{route.name} @{n}", reverse(route.name), {"per_page": n}))
        measure(client, pages, args.repeat)
    race(args.races)


if __name__ == "__main__":
    main()
