"""The 签收 dashboard, its people list and its Excel export with 10,000 people, measured in one process.

Run from the repository root:

    .venv/bin/python bench/ack_dashboard.py [--users N] [--small-users M] [--requests R] [--export-requests E]
                                            [--warmup W] [--seed S] [--sql] [--keep]

A throwaway SQLite database in a temporary directory is migrated (portal.settings.test, as bench/page_serve.py) and
filled with a HomePage site root, a PolicyIndexPage and 10 RegulationPages (5 chapters, 30 articles each), each
published once through save_revision().publish(), so each has one PolicyVersion recorded by the production
page_published handler. Celery's eager switch is turned off on the in-process `memory://` broker while building, so
the fan-out tasks those publishes enqueue are never run; the Acknowledgement rows are written by bulk_create instead,
to control the status mix.

People: 10 departments with their groups (department_create), one 保密办 officer made by user_create (a
SecurityProfile, a confirmed TOTP device, permissions wagtailadmin.access_admin, policies.view_acknowledgement and
portal.view_securityprofile, no superuser), and N - 1 staff written with bulk_create: User rows, then SecurityProfile
rows (bulk_create skips the post_save handler that would create them) with department, post category, employee
number and hire date, then their department group memberships. Every person gets one Acknowledgement per version
(N x 10 rows). The versions were published 200 to 3 days ago with 14 days to acknowledge; older versions are mostly
signed, the two newest mostly pending: about 77 % done, 9 % overdue, 14 % pending overall. Signed rows carry the
evidence (time, IP, browser, read version, SHA-256) that the export prints.

The data is built twice in the same database: first M people (--small-users, default N / 10), then the rest. The SQL
of one request per path is captured at both sizes (CaptureQueriesContext; one untimed request per path before the
first capture warms the per-process caches; the idle-timeout stamp in the session is set to now before each capture,
so the middleware's once-a-minute session write cannot land in one count only). GOAL: no 签收 view issues more
queries with N people than with M; the script exits 1 otherwise. The captured responses are checked too: HTTP 200,
one spreadsheet row per person in both exports, every version on the dashboard.

Timed paths with N people, through a django.test.Client whose session is logged in and OTP-verified, so every request
runs the whole middleware stack:

  dashboard        GET /admin/policies/acknowledgements/             counts per version and department
  people           GET /admin/policies/acknowledgements/<version>/   first page of 50 people of one version
  export           GET the same URL with ?format=xlsx                every person of that version (N rows)
  wagtail-listing  GET /admin/security_profiles/                     Wagtail ModelViewSet listing of the N profiles
  wagtail-export   GET /admin/bench_ack_export/?version=<v>&export=xlsx
  admin-home       GET /admin/                                       Wagtail's dashboard, for scale

The four page paths are interleaved request by request (rotating order) for --requests rounds, then the two exports
likewise for --export-requests rounds (each export takes seconds). p50/p95 per path. The same paths are also timed
--small-requests times with M people, to show how each one's time (not only its query count) grows with N.

Baselines, in the same process: dashboard and people against wagtail-listing, a stock Wagtail admin listing over the
same N people (paginated, filterable, with its count query). export against wagtail-export: Wagtail's own spreadsheet
export (SpreadsheetExportMixin) of the same N acknowledgement rows and the same 12 columns, from a ModelViewSet that
exists only in this process (registered by the script before the URLconf is loaded; its queryset select_related()s
the relations its columns read). Ratios are p50 over p50. There is no timing goal: the ratios say whether a 签收 view
costs more than the comparable Wagtail page.

Nothing is mocked: every request reads the database through the production views, selectors and templates.
"""

import argparse
import datetime
import io
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "localhost"
DASHBOARD = "/admin/policies/acknowledgements/"
EXPORT_VIEWSET = "bench_ack_export"
BATCH = 2000
DUE_DAYS = 14

DEPARTMENTS = [
    ("研发部", "rd"),
    ("生产部", "production"),
    ("质量部", "quality"),
    ("市场部", "market"),
    ("采购部", "purchasing"),
    ("财务部", "finance"),
    ("人力资源部", "hr"),
    ("信息中心", "it"),
    ("行政部", "admin"),
    ("保密办", "secrecy"),
]
# Share of each department in the staff (研发部 and 生产部 are the big ones).
DEPARTMENT_WEIGHTS = [30, 20, 8, 10, 5, 5, 4, 6, 9, 3]
POST_CATEGORIES = [("core", 5), ("important", 15), ("general", 30), ("none", 50)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN_NAMES = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "强", "平", "刚", "桂英",
    "秀英", "建华", "海燕", "志强", "晓东", "丽娟", "文博", "子涵", "浩然", "雨桐", "嘉怡", "思远",
]  # fmt: skip
REGULATIONS = [
    "保密工作管理制度",
    "涉密人员管理办法",
    "涉密载体管理规定",
    "计算机信息系统保密管理规定",
    "宣传报道保密审查办法",
    "涉外活动保密管理规定",
    "保密要害部门部位管理办法",
    "保密检查工作办法",
    "泄密事件报告和查处办法",
    "技术秘密保护规定",
]
# Per version, oldest first: published this many days ago, and the share of people who have signed it.
VERSION_AGES = [200, 170, 140, 110, 80, 50, 30, 20, 10, 3]
DONE_RATES = [0.97, 0.96, 0.95, 0.93, 0.90, 0.85, 0.80, 0.70, 0.45, 0.15]
# The version the people list and the exports show: past its due date, 70 % signed and 30 % overdue.
FOCUS_VERSION = 7
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def parse_args():
    parser = argparse.ArgumentParser(description="签收 dashboard, people list and Excel export at scale.")
    parser.add_argument("--users", type=int, default=10_000, help="people in the audience (default 10000)")
    parser.add_argument(
        "--small-users", type=int, default=None, help="people at the first query count (default users / 10)"
    )
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page path (default 15)")
    parser.add_argument(
        "--export-requests", type=int, default=4, help="timed requests per Excel export path (default 4)"
    )
    parser.add_argument(
        "--small-requests", type=int, default=5, help="timed requests per path with the small population (default 5)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="untimed requests per path first (default 1)")
    parser.add_argument("--seed", type=int, default=20240501, help="random seed of the data (default 20240501)")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request on every path")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database directory")
    args = parser.parse_args()
    args.small_users = args.small_users or max(args.users // 10, 20)
    if not 2 <= args.small_users < args.users:
        parser.error("--small-users must be at least 2 and smaller than --users")
    return args


def use_bench_imports():
    """bench/ modules import each other as `bench.<name>`, whether run as scripts or with -m."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


# --- building ----------------------------------------------------------------------------------------------------


def celery_enqueue_only():
    """Tasks go to Celery's in-process memory transport and stay there: `.delay()` runs, no worker consumes.

    portal.settings.test makes tasks eager; bench.page_serve.setup_django drops the broker URLs, so the broker is
    `memory://` (base settings). Only the eager switch is turned off; the production code is unchanged.
    """
    from portal.celery import app

    assert app.conf.broker_url == "memory://", app.conf.broker_url
    app.conf.task_always_eager = False
    # kombu warns once that the memory transport has no hostname; it needs none.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    return app


def build_tree():
    """HomePage as the default site's root, with the PolicyIndexPage under it."""
    from wagtail.models import Site

    from home.models import HomePage
    from policies.models import PolicyIndexPage
    from portal.models import PortalPage

    root = PortalPage.get_first_root_node()
    home = root.add_child(instance=HomePage(title="保密门户", slug="portal-home"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.hostname = HOST
    site.save()
    index = PolicyIndexPage(title="保密制度", slug="zhidu")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def regulation_body(title, *, chapters=5, articles_per_chapter=6, variant=""):
    """A 章/条 body in the StreamField's python form: chapters x articles, two or three 款 each."""
    numerals = "一二三四五六七八九十"

    def number(n):
        if n <= 10:
            return numerals[n - 1]
        tens, units = divmod(n, 10)
        return ("" if tens == 1 else numerals[tens - 1]) + "十" + (numerals[units - 1] if units else "")

    stream, n = [], 0
    for c in range(1, chapters + 1):
        stream.append(
            ("chapter", {"label": f"第{number(c)}章", "title": ["总则", "职责", "管理", "监督", "附则"][c % 5]})
        )
        for _ in range(articles_per_chapter):
            n += 1
            clauses = [
                f"为加强{title}所涉事项的管理，依据有关法律法规，结合本单位实际，制定本条。",
                "各部门应当明确专人负责，建立台账，定期自查并向保密办报告。",
            ]
            if n % 3 == 0:
                clauses.append("（一）登记、审批和归还；（二）复制、传递和销毁；（三）检查与处理。")
            stream.append(("article", {"label": f"第{number(n)}条", "clauses": clauses, "elements": []}))
    if variant:
        stream[1][1]["clauses"][0] += f"（{variant}）"
    return stream


def publish_regulations(index, *, titles, user=None):
    """One RegulationPage per title, published once: the page_published handler records version 1 of each."""
    from policies.models import PolicyVersion, RegulationPage

    versions = []
    for n, title in enumerate(titles, 1):
        page = RegulationPage(
            title=f"《{title}》", slug=f"reg-{n}", issuer="保密委员会", doc_number=f"保委〔2024〕{n}号"
        )
        page.body = regulation_body(title)
        index.add_child(instance=page)
        page.save_revision(user=user).publish(user=user, skip_permission_checks=True)
        versions.append(PolicyVersion.objects.get(regulation=page, number=1))
    return versions


def create_departments():
    from portal.services.people import department_create

    return [department_create(name=name, code=code) for name, code in DEPARTMENTS]


def verified_client(user):
    """A Client logged in as `user` whose session carries a confirmed TOTP device, as after the token step."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="TOTP", confirmed=True
    )
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def refresh_idle_stamp(client):
    """Set the idle-timeout stamp to now, so the next request does not rewrite the session (at most once a minute)."""
    from portal.middleware import IdleTimeoutMiddleware

    session = client.session
    session[IdleTimeoutMiddleware.KEY] = int(time.time())
    session.save()


def add_staff(departments, start, count, rng, *, today):
    """`count` staff with bulk_create: users, their security profiles and department group memberships.

    Returns [(user_id, hire_date)]. bulk_create bypasses post_save, so no profile or acknowledgement task is created
    behind the script's back.
    """
    from django.contrib.auth import get_user_model

    from portal.models import SecurityProfile

    User = get_user_model()
    numbers = range(start, start + count)
    users = [
        User(
            username=f"staff{n:06d}",
            last_name=rng.choice(SURNAMES),
            first_name=rng.choice(GIVEN_NAMES),
            email=f"staff{n:06d}@example.cn",
            password="!bench-unusable",  # noqa: S106 - an unusable password marker, never checked
            is_active=True,
        )
        for n in numbers
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    if any(user.pk is None for user in users):
        ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
        for user in users:
            user.pk = user.id = ids[user.username]
    categories = [c for c, _ in POST_CATEGORIES]
    category_weights = [w for _, w in POST_CATEGORIES]
    profiles = []
    for n, user in zip(numbers, users, strict=True):
        department = rng.choices(departments, weights=DEPARTMENT_WEIGHTS)[0]
        profiles.append(
            SecurityProfile(
                user_id=user.pk,
                department=department,
                post_category=rng.choices(categories, weights=category_weights)[0],
                clearance=rng.choice([0, 0, 0, 1, 1, 2]),
                employee_no=f"E{n:06d}",
                hire_date=today - datetime.timedelta(days=rng.randint(30, 3650)),
            )
        )
    SecurityProfile.objects.bulk_create(profiles, batch_size=BATCH)
    memberships = [
        User.groups.through(user_id=profile.user_id, group_id=profile.department.group_id) for profile in profiles
    ]
    User.groups.through.objects.bulk_create(memberships, batch_size=BATCH)
    return [(profile.user_id, profile.hire_date) for profile in profiles]


def set_version_dates(versions):
    """Version i was published VERSION_AGES[i] days ago."""
    from django.utils import timezone

    from policies.models import PolicyVersion

    now = timezone.now()
    for version, age in zip(versions, VERSION_AGES, strict=True):
        version.published_at = now - datetime.timedelta(days=age)
        PolicyVersion.objects.filter(pk=version.pk).update(published_at=version.published_at)


def add_acks(versions, people, rng):
    """One Acknowledgement per person and version, signed with probability DONE_RATES[i]; bulk_create."""
    from django.utils import timezone

    from policies.models import Acknowledgement

    now = timezone.now()
    for version, rate in zip(versions, DONE_RATES, strict=True):
        published = version.published_at
        due_on = timezone.localdate(published) + datetime.timedelta(days=DUE_DAYS)
        window = max(int((min(now, published + datetime.timedelta(days=40)) - published).total_seconds()), 60)
        rows = []
        for user_id, _hire_date in people:
            row = Acknowledgement(version=version, user_id=user_id, due_on=due_on, assigned_at=published)
            if rng.random() < rate:
                row.acknowledged_at = published + datetime.timedelta(seconds=rng.randrange(window))
                row.read_version = version
                row.text_sha256 = version.text_sha256
                row.ip_address = f"10.{rng.randrange(1, 40)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                row.user_agent = BROWSER
            rows.append(row)
        Acknowledgement.objects.bulk_create(rows, batch_size=BATCH)


def make_admin(department):
    """The 保密办 officer: a normal staff account with exactly the permissions the views ask for."""
    from django.contrib.auth.models import Permission

    from portal.enums import Clearance
    from portal.services.people import user_create

    admin = user_create(
        actor=None,
        username="office-admin",
        first_name="保密办",
        last_name="管理员",
        clearance=Clearance.CONFIDENTIAL,
        department=department,
        employee_no="A000001",
        hire_date=datetime.date(2015, 3, 1),
    )
    for app_label, codename in (
        ("wagtailadmin", "access_admin"),
        ("policies", "view_acknowledgement"),
        ("portal", "view_securityprofile"),
    ):
        admin.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return admin


# --- the stock Wagtail export used as the baseline of the 签收 export -----------------------------------------------


def register_export_baseline():
    """Register a ModelViewSet over Acknowledgement with Wagtail's spreadsheet export of the same 12 columns.

    Must run before the URLconf is first imported (migrate's system checks import it), so the viewset is part of the
    admin URLs of this process only.
    """
    from wagtail import hooks

    @hooks.register("register_admin_viewset")
    def register_bench_ack_export():
        from wagtail.admin.views.generic import IndexView
        from wagtail.admin.viewsets.model import ModelViewSet

        from policies.models import Acknowledgement

        class AckExportIndexView(IndexView):
            def get_base_queryset(self):
                return super().get_base_queryset().select_related("user__security_profile__department", "version")

        class AckExportViewSet(ModelViewSet):
            model = Acknowledgement
            name = EXPORT_VIEWSET
            add_to_admin_menu = False
            index_view_class = AckExportIndexView
            list_display = ["user", "version", "due_on", "acknowledged_at"]
            list_filter = ["version"]
            list_export = [
                "user.security_profile.employee_no",
                "user.get_full_name",
                "user.username",
                "user.security_profile.department.name",
                "user.security_profile.get_post_category_display",
                "version.title",
                "version.number",
                "due_on",
                "status_label",
                "acknowledged_at",
                "ip_address",
                "text_sha256",
            ]
            form_fields = ["due_on"]

        return AckExportViewSet()


# --- measuring -----------------------------------------------------------------------------------------------------


def make_paths(client, version):
    """name -> callable doing one GET and returning the response (streamed bodies are read to the end)."""

    def get(url):
        response = client.get(url)
        if response.streaming:
            response.content_bytes = b"".join(response.streaming_content)
        else:
            response.content_bytes = response.content
        return response

    def path(url):
        return lambda: get(url)

    return {
        "dashboard": path(DASHBOARD),
        "people": path(f"{DASHBOARD}{version.pk}/"),
        "export": path(f"{DASHBOARD}{version.pk}/?format=xlsx"),
        "wagtail-listing": path("/admin/security_profiles/"),
        "wagtail-export": path(f"/admin/{EXPORT_VIEWSET}/?version={version.pk}&export=xlsx"),
        "admin-home": path("/admin/"),
    }


ACK_VIEWS = ("dashboard", "people", "export")
EXPORTS = ("export", "wagtail-export")
RATIOS = (("dashboard", "wagtail-listing"), ("people", "wagtail-listing"), ("export", "wagtail-export"))


def probe(client, paths, *, people, warm):
    """One checked request per path with its SQL: name -> (queries, response body).

    `warm` first sends one untimed request per path (per-process caches: content types, site root, permissions).
    The idle-timeout stamp in the session is set to now before each counted request, so the middleware's
    once-a-minute session write cannot land in one count only. Every path must answer 200, both exports must hold one
    data row per person, and the dashboard must list every version.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    from policies.models import PolicyVersion

    results = {}
    for name, call in paths.items():
        if warm:
            call()
        refresh_idle_stamp(client)
        with CaptureQueriesContext(connection) as captured:
            response = call()
        assert response.status_code == 200, f"{name}: HTTP {response.status_code}"
        results[name] = ([query["sql"] for query in captured.captured_queries], response.content_bytes)
    for name, header_rows in (("export", 3), ("wagtail-export", 1)):
        sheet = load_workbook(io.BytesIO(results[name][1]), read_only=True).worksheets[0]
        rows = sum(1 for _ in sheet.iter_rows(values_only=True)) - header_rows
        assert rows == people, f"{name}: {rows} data rows, expected {people}"
    html = results["dashboard"][1].decode()
    for version in PolicyVersion.objects.all():
        assert version.title in html, f"dashboard lacks {version.title}"
    return results


def status_mix(version_ids=None):
    from django.db.models import Count, Q
    from django.utils import timezone

    from policies.models import Acknowledgement

    today = timezone.localdate()
    rows = Acknowledgement.objects.all()
    if version_ids:
        rows = rows.filter(version_id__in=version_ids)
    return rows.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(acknowledged_at__isnull=False)),
        overdue=Count("id", filter=Q(acknowledged_at__isnull=True, due_on__lt=today)),
    )


def timed(paths, requests, export_requests, measure, *, warmup=0):
    """Page paths interleaved for `requests` rounds, then the two exports for `export_requests` (or `requests`)."""
    pages = {name: call for name, call in paths.items() if name not in EXPORTS}
    exports = {name: call for name, call in paths.items() if name in EXPORTS}
    timings = measure(pages, requests, warmup)
    timings.update(measure(exports, export_requests or requests, warmup))
    return {name: timings[name] for name in paths}


def main():
    args = parse_args()
    tmp_dir = Path(tempfile.mkdtemp(prefix="ack-dashboard-bench-"))
    try:
        ok = run(args, tmp_dir)
    finally:
        if args.keep:
            print(f"database kept in {tmp_dir}")
        else:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    sys.exit(0 if ok else 1)


def run(args, tmp_dir):
    use_bench_imports()
    from bench.page_serve import measure, setup_django, shape, summarise

    register_export_baseline()
    setup_django(tmp_dir)
    celery_enqueue_only()

    from django import get_version
    from django.db import connection
    from django.utils import timezone
    from wagtail import __version__ as wagtail_version

    rng = random.Random(args.seed)
    today = timezone.localdate()
    started = time.perf_counter()
    index = build_tree()
    departments = create_departments()
    admin = make_admin(departments[-1])
    versions = publish_regulations(index, titles=REGULATIONS, user=admin)
    set_version_dates(versions)
    focus = versions[FOCUS_VERSION]
    client = verified_client(admin)
    paths = make_paths(client, focus)

    admin_row = [(admin.pk, admin.security_profile.hire_date)]
    people = admin_row + add_staff(departments, 1, args.small_users - 1, rng, today=today)
    add_acks(versions, people, rng)
    small = probe(client, paths, people=len(people), warm=True)
    small_built = time.perf_counter() - started
    small_timings = timed(paths, args.small_requests, 0, measure)

    people_more = add_staff(departments, args.small_users, args.users - args.small_users, rng, today=today)
    add_acks(versions, people_more, rng)
    people += people_more
    built = time.perf_counter() - started
    big = probe(client, paths, people=len(people), warm=False)
    small_profiles = {name: queries for name, (queries, _body) in small.items()}
    big_profiles = {name: queries for name, (queries, _body) in big.items()}

    load_before = os.getloadavg()[0]
    timings = timed(paths, args.requests, args.export_requests, measure, warmup=args.warmup)
    stats = {name: summarise(samples) for name, samples in timings.items()}
    small_p50 = {name: statistics.median(samples) for name, samples in small_timings.items()}
    mix = status_mix()
    focus_mix = status_mix([focus.pk])

    print(
        f"ack_dashboard bench: Django {get_version()}, Wagtail {wagtail_version}, {connection.vendor} "
        f"(throwaway file), settings portal.settings.test"
    )
    print(
        f"{len(people)} people in {len(departments)} departments, {len(versions)} regulation versions, "
        f"{mix['total']} acknowledgement rows: {mix['done']} done ({100 * mix['done'] / mix['total']:.0f} %), "
        f"{mix['overdue']} overdue, {mix['total'] - mix['done'] - mix['overdue']} pending"
    )
    print(
        f"people list and exports show {focus.title} v{focus.number} (version id {focus.pk}): {focus_mix['total']} "
        f"rows, {focus_mix['done']} done, {focus_mix['overdue']} overdue"
    )
    print(f"data built in {built:.1f} s ({small_built:.1f} s for the first {args.small_users} people, with its probe)")
    print(
        f"{args.requests} timed requests per page path and {args.export_requests} per export path, after "
        f"{args.warmup} warm-up, interleaved within each group, one client, serial"
    )
    print(
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after, on {os.cpu_count()} CPUs "
        "(other work on the machine moves the absolute figures; the interleaving keeps the ratios comparable)"
    )
    print()
    m, n = args.small_users, args.users
    print(
        f"{'path':<16} {'req/s':>6} {'p50 ms':>8} {'p95 ms':>8} {f'p50@{m}':>9} {'growth':>6} "
        f"{f'q@{m}':>7} {f'q@{n}':>7} {'KiB':>5}"
    )
    for name, row in stats.items():
        print(
            f"{name:<16} {row['rps']:>6.1f} {row['p50']:>8.1f} {row['p95']:>8.1f} {small_p50[name]:>9.1f} "
            f"{row['p50'] / small_p50[name]:>5.1f}x {len(small_profiles[name]):>7} {len(big_profiles[name]):>7} "
            f"{len(big[name][1]) / 1024:>5.0f}"
        )
    print(
        f"(p50/p95 with {n} people; p50@{m} = p50 of {args.small_requests} requests with {m} people, growth = p50 / "
        f"p50@{m};\n q@K = SQL queries of one request with K people, BEGIN/SAVEPOINT included; KiB = response body "
        f"with {n} people)"
    )
    print()
    print("Baselines: dashboard and people against wagtail-listing (Wagtail ModelViewSet listing of the same")
    print("people); export against wagtail-export (Wagtail's SpreadsheetExportMixin, same rows and columns).")
    for name, base in RATIOS:
        ratio = stats[name]["p50"] / stats[base]["p50"]
        print(f"  {name} / {base}: p50 {stats[name]['p50']:.1f} / {stats[base]['p50']:.1f} ms = {ratio:.2f}")

    ok = True
    print()
    for name in ACK_VIEWS:
        few, many = len(small_profiles[name]), len(big_profiles[name])
        passed = many <= few
        ok &= passed
        print(
            f"GOAL {name}: queries do not grow with the number of people: {few} at {m}, {many} at {n} "
            f"-> {'PASS' if passed else 'FAIL'}"
        )
        if not passed:
            before = Counter(shape(sql) for sql in small_profiles[name])
            print(f"  queries of {name} with {n} people that the request with {m} people lacked:")
            for sql in big_profiles[name]:
                key = shape(sql)
                if before[key]:
                    before[key] -= 1
                else:
                    print(f"    {sql[:300]}")

    if args.sql:
        for name, queries in big_profiles.items():
            print()
            print(f"SQL of one {name} request with {n} people:")
            for i, sql in enumerate(queries, 1):
                print(f"  {i:2d}. {sql}")
    print()
    print(f"ack_dashboard: {'PASS' if ok else 'FAIL'}")
    return ok


if __name__ == "__main__":
    main()
