"""Page-serve overhead of the portal's access chokepoint, measured in one process.

Run from the repository root:

    .venv/bin/python bench/page_serve.py [--requests N] [--warmup W] [--sql]

A throwaway SQLite database in a temporary directory is migrated and filled with a HomePage site root, one 机密
(clearance 2) ArticlePage and one 内部 (clearance 0) ArticlePage. A clearance-3 user with a confirmed TOTP device is
logged in on a django.test.Client whose session is OTP-verified, so every timed request runs the real middleware
stack.

Timed paths, interleaved request by request (rotating order) so drift hits all of them alike:

  portal-classified  GET /<机密 page>/: middleware + on_serve_page clearance hook + read audit insert
  bare-classified    the same GET with `enforce_clearance_on_serve` filtered out of the on_serve_page hooks
  portal-internal    GET /<内部 page>/ through the hook (no audit row: 内部 is not classified)
  bare-internal      the same GET without the hook
  serve-only         reference: ArticlePage.serve(request) on a RequestFactory request (no routing, no middleware)

The ratio is portal-classified over bare-classified: same URL, same page, same template and same middleware, so the
only difference is the hook (access check, audit row, no-cache headers). serve-only is printed for scale but is not
used as the baseline: it skips URL routing, sessions, authentication and OTP lookup that any real Wagtail request
pays, so it would charge the portal for Django's own costs.

Queries per request come from CaptureQueriesContext on one extra request per path, outside the timed loop. The
commits column counts durable write transactions (an autocommit write, or a BEGIN..COMMIT block that writes): on a
page that otherwise only reads, each one waits for a journal sync and usually explains most of the gap.
"""

import argparse
import functools
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

GOAL = 1.5
REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "localhost"


def parse_args():
    parser = argparse.ArgumentParser(description="Portal page-serve overhead versus a bare Wagtail serve.")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per path (default 300)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests per path first (default 30)")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request on every path")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database directory")
    return parser.parse_args()


def setup_django(tmp_dir):
    """portal.settings.test on a fresh SQLite file; service URLs are dropped so the run is self-contained."""
    # The test settings serve no collected static files; WhiteNoise warns about the missing directory.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    sys.path.insert(0, str(REPO_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp_dir / 'bench.sqlite3'}"
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "ELASTICSEARCH_URL", "CLASSIFIED_NETWORKS"):
        os.environ.pop(name, None)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_dir / "media"
    call_command("migrate", verbosity=0, interactive=False)


def build_site():
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.models import Site

    from home.models import ArticlePage, HomePage
    from portal.enums import Clearance
    from portal.models import PortalPage
    from portal.services.people import department_create, user_create

    root = PortalPage.get_first_root_node()
    home = root.add_child(instance=HomePage(title="保密门户", slug="portal-home"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.hostname = HOST
    site.save()

    def article(slug, title, clearance, **marking):
        page = ArticlePage(
            title=title,
            slug=slug,
            clearance=clearance,
            summary="基准测试页面摘要",
            body=[("paragraph", "<p>正文段落。</p>" * 5)],
            **marking,
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    department = department_create(name="基准部门", code="bench")
    user = user_create(actor=None, username="bench-reader", clearance=Clearance.TOP_SECRET, department=department)
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)

    classified = article(
        "classified-article",
        "机密基准文章",
        Clearance.CONFIDENTIAL,
        secrecy_term="5年",
        classification_basis="依据《技术保密管理规定》第七条定密",
        classifier=user,
    )
    internal = article("internal-article", "内部基准文章", Clearance.INTERNAL)
    assert classified.is_classified and classified.effective_clearance == Clearance.CONFIDENTIAL
    assert not internal.is_classified

    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client, user, device, classified, internal


@contextmanager
def without_clearance_hook():
    """Drop only the portal's on_serve_page wrapper; Wagtail's own view-restriction hook stays."""
    from wagtail import hooks

    from portal.wagtail_hooks import enforce_clearance_on_serve

    hooks.search_for_hooks()
    saved = list(hooks._hooks["on_serve_page"])
    hooks._hooks["on_serve_page"] = [entry for entry in saved if entry[0] is not enforce_clearance_on_serve]
    assert len(hooks._hooks["on_serve_page"]) == len(saved) - 1
    try:
        yield
    finally:
        hooks._hooks["on_serve_page"] = saved


def make_paths(client, user, device, classified, internal):
    """name -> callable doing one request and returning the response."""
    from django.test import RequestFactory
    from django_otp.middleware import is_verified

    from home.models import ArticlePage

    def get(url, *, bare):
        if bare:
            with without_clearance_hook():
                return client.get(url)
        return client.get(url)

    factory = RequestFactory(HTTP_HOST=HOST)

    def serve_only():
        request = factory.get(classified.url)
        request.user = user
        user.otp_device = device
        user.is_verified = functools.partial(is_verified, user)
        user.__dict__.pop("_portal_viewer", None)
        page = ArticlePage.objects.get(pk=classified.pk)
        response = page.serve(request)
        response.render()
        return response

    return {
        "portal-classified": functools.partial(get, classified.url, bare=False),
        "bare-classified": functools.partial(get, classified.url, bare=True),
        "portal-internal": functools.partial(get, internal.url, bare=False),
        "bare-internal": functools.partial(get, internal.url, bare=True),
        "serve-only": serve_only,
    }


def check_responses(paths):
    """Each path answers 200; the portal's paths are private (every page is personal) and only the classified one
    is also never stored, while the bare paths carry neither: the hooks really ran on one side only."""
    for name, call in paths.items():
        response = call()
        assert response.status_code == 200, f"{name}: HTTP {response.status_code}"
        cache_control = response.get("Cache-Control", "")
        expected = (name.startswith("portal-"), name == "portal-classified")
        assert ("private" in cache_control, "no-store" in cache_control) == expected, f"{name}: {cache_control!r}"


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def profile_queries(call):
    """The SQL of one request, as Django's CaptureQueriesContext records it (BEGIN/COMMIT included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def durable_commits(queries):
    """Write transactions: each autocommit write, or each BEGIN..COMMIT block holding a write, costs one commit."""
    commits, in_block, block_writes = 0, False, False
    for sql in queries:
        word = sql.split(None, 1)[0].upper() if sql.strip() else ""
        if word in {"BEGIN", "SAVEPOINT"} and not in_block:
            in_block, block_writes = True, False
        elif word in {"COMMIT", "ROLLBACK"}:
            commits += word == "COMMIT" and block_writes
            in_block = False
        elif WRITE.match(sql):
            if in_block:
                block_writes = True
            else:
                commits += 1
    return commits


SHAPE_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def shape(sql):
    return SHAPE_LITERALS.sub("?", " ".join(sql.split()))


def measure(paths, requests, warmup):
    names = list(paths)
    for _ in range(warmup):
        for name in names:
            paths[name]()
    timings = {name: [] for name in names}
    for i in range(requests):
        offset = i % len(names)
        for name in names[offset:] + names[:offset]:
            start = time.perf_counter()
            paths[name]()
            timings[name].append((time.perf_counter() - start) * 1000)
    return timings


def summarise(samples):
    ordered = sorted(samples)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18] if len(ordered) > 1 else ordered[0]
    return {"rps": len(ordered) / (sum(ordered) / 1000), "p50": statistics.median(ordered), "p95": p95}


def main():
    args = parse_args()
    tmp_dir = Path(tempfile.mkdtemp(prefix="page-serve-bench-"))
    try:
        run(args, tmp_dir)
    finally:
        if args.keep:
            print(f"database kept in {tmp_dir}")
        else:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def run(args, tmp_dir):
    setup_django(tmp_dir)
    from django import get_version
    from django.db import connection
    from wagtail import __version__ as wagtail_version

    from portal.models import ReadAuditEntry

    client, user, device, classified, internal = build_site()
    paths = make_paths(client, user, device, classified, internal)
    check_responses(paths)

    profiles = {name: profile_queries(call) for name, call in paths.items()}

    load_before = os.getloadavg()[0]
    audit_before = ReadAuditEntry.objects.count()
    timings = measure(paths, args.requests, args.warmup)
    audit_rows = ReadAuditEntry.objects.count() - audit_before
    expected_rows = args.requests + args.warmup
    assert audit_rows == expected_rows, f"audit rows {audit_rows}, expected {expected_rows}"

    stats = {name: summarise(samples) for name, samples in timings.items()}

    print(
        f"page_serve bench: Django {get_version()}, Wagtail {wagtail_version}, {connection.vendor} "
        f"(throwaway file), settings portal.settings.test"
    )
    print(f"{args.requests} timed requests per path after {args.warmup} warm-up, interleaved, one client, serial")
    print(
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after, on {os.cpu_count()} CPUs "
        "(other work on the machine moves the absolute figures; the interleaving keeps the ratios comparable)"
    )
    print(f"classified page {classified.url} ({classified.marking}), internal page {internal.url}")
    print()
    print(f"{'path':<18} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'writes':>7} {'commits':>8}")
    for name, row in stats.items():
        queries = profiles[name]
        writes = sum(1 for sql in queries if WRITE.match(sql))
        print(
            f"{name:<18} {row['rps']:>8.1f} {row['p50']:>8.2f} {row['p95']:>8.2f} {len(queries):>8} {writes:>7} "
            f"{durable_commits(queries):>8}"
        )
    print(
        "(queries per request from CaptureQueriesContext on one request per path, outside the timed loop;\n"
        " commits = durable write transactions, each one a journal sync on SQLite / a WAL flush on PostgreSQL)"
    )
    print()
    print(
        "Baseline: the same URL through the same client, middleware and template with only the portal's\n"
        "`enforce_clearance_on_serve` removed from wagtail.hooks._hooks['on_serve_page'] (Wagtail's own\n"
        "view-restriction hook stays). The difference is exactly the access check, the read-audit insert and the\n"
        "no-cache headers. serve-only (page.serve() on a RequestFactory request) skips routing and the whole\n"
        "middleware stack, so it is shown for scale, not used as the baseline."
    )
    print()

    def ratios(portal, bare):
        p50 = stats[portal]["p50"] / stats[bare]["p50"]
        rps = stats[portal]["rps"] / stats[bare]["rps"]
        extra = len(profiles[portal]) - len(profiles[bare])
        print(
            f"{portal} / {bare}: p50 ratio {p50:.2f}, throughput ratio {rps:.2f} "
            f"(bare serves {1 / rps:.2f}x as many requests/s), {extra:+d} queries"
        )
        return p50

    ratio = ratios("portal-classified", "bare-classified")
    ratios("portal-internal", "bare-internal")
    print(f"audit rows written during the run: {audit_rows} (one per classified portal request)")

    bare_shapes = Counter(shape(sql) for sql in profiles["bare-classified"])
    extra = []
    for sql in profiles["portal-classified"]:
        key = shape(sql)
        if bare_shapes[key]:
            bare_shapes[key] -= 1
        else:
            extra.append(sql)
    print()
    print("Queries the hook adds to one classified request (not in the bare serve):")
    for sql in extra:
        print(f"  {sql}")

    listed = list(paths) if args.sql else ["portal-classified"] if ratio > GOAL else []
    for name in listed:
        print()
        print(f"SQL of one {name} request:")
        for n, sql in enumerate(profiles[name], 1):
            print(f"  {n:2d}. {sql}")

    print()
    bare_p50 = stats["bare-classified"]["p50"]
    portal_p50 = stats["portal-classified"]["p50"]
    verdict = "OK" if ratio <= GOAL else "OVER GOAL"
    print(
        f"page_serve: classified p50 {portal_p50:.2f} ms vs bare {bare_p50:.2f} ms -> ratio {ratio:.2f} "
        f"(goal <= {GOAL}) {verdict}"
    )


if __name__ == "__main__":
    main()
