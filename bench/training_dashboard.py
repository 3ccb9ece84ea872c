"""The training completion dashboard and its Excel export with 10,000 people × 20 courses, measured in one process.

Run from the repository root:

    .venv/bin/python bench/training_dashboard.py [--users N] [--small-users M] [--courses C] [--requests R] [--keep]

A throwaway SQLite database (portal.settings.test, as bench/page_serve.py) gets a HomePage, a TrainingIndexPage and C
published CoursePages (two of them 机密), 10 departments, and staff written with bulk_create (bench.ack_dashboard
add_staff). Every person gets one Assignment per course (N × C rows; about 70 % passed with a score and a time,
10 % attempted and failed, the rest open, a third of those past due), then the dashboard summary is recounted
(`training_summary_rebuild`, as after a bulk import; timed and printed). The data is built twice: first M people, then
the rest, and the SQL of each view is captured at both sizes. GOAL: the query count does not grow with people; the
dashboard p95 is at most 300 ms; the export of one course's people (N rows) at most 5 s. The script exits 1 if a goal
is missed.

Timed paths, through an OTP-verified client of a 保密办 officer (机密, only `access_admin` and
`training.view_assignment`), so every request runs the whole middleware stack:

  dashboard-course      GET /admin/training/dashboard/                    per course and cycle
  dashboard-department  GET /admin/training/dashboard/?group=department   per department
  people                GET /admin/training/dashboard/people/?course=<c>  first page of 50
  export                GET the same with &format=xlsx                    N rows
  wagtail-listing       GET /admin/security_profiles/                     baseline: a stock Wagtail listing of N people
"""

import argparse
import datetime
import io
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DASHBOARD = "/admin/training/dashboard/"
BATCH = 5000


def parse_args():
    parser = argparse.ArgumentParser(description="Training dashboard and export at scale.")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--small-users", type=int, default=None)
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--export-requests", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.small_users = args.small_users or max(args.users // 10, 20)
    return args


def build_courses(count):
    from wagtail.models import Site

    from home.models import HomePage
    from portal.models import PortalPage
    from training.models import CoursePage, TrainingIndexPage

    root = PortalPage.get_first_root_node()
    home = root.add_child(instance=HomePage(title="保密门户", slug="portal-home"))
    site = Site.objects.get(is_default_site=True)
    site.root_page, site.hostname = home, "localhost"
    site.save()
    index = TrainingIndexPage(title="保密培训", slug="peixun")
    home.add_child(instance=index)
    index.save_revision().publish()
    courses = []
    for n in range(count):
        classified = n >= count - 2
        course = CoursePage(
            title=f"保密培训课程{n + 1:02d}",
            slug=f"course-{n + 1}",
            clearance=2 if classified else 0,
            secrecy_term="5年" if classified else "",
            classification_basis="bench" if classified else "",
        )
        index.add_child(instance=course)
        course.save_revision().publish()
        courses.append(course)
    return courses


def add_assignments(people, courses, rng, *, today):
    from django.utils import timezone

    from portal.models import SecurityProfile
    from training.models import Assignment
    from training.services.summary import summary_rebuild

    now = timezone.now()
    profiles = {
        user_id: (department_id, category)
        for user_id, department_id, category in SecurityProfile.objects.filter(
            user_id__in=[user_id for user_id, _hired in people]
        ).values_list("user_id", "department_id", "post_category")
    }
    rows = []
    for user_id, _hired in people:
        department_id, category = profiles[user_id]
        for course in courses:
            roll = rng.random()
            passed = roll < 0.7
            attempted = roll < 0.8
            due = datetime.date(today.year, 12, 31) if rng.random() < 0.66 else today - datetime.timedelta(days=5)
            rows.append(
                Assignment(
                    user_id=user_id,
                    course_id=course.pk,
                    department_id=department_id,
                    post_category=category,
                    cycle=today.year,
                    key=f"annual:{today.year}",
                    due_on=due,
                    attempted_at=now if attempted else None,
                    passed_at=now if passed else None,
                    best_score=Decimal(rng.randint(80, 100) if passed else rng.randint(30, 79)) if attempted else None,
                    time_spent_seconds=rng.randint(300, 1800) if attempted else None,
                )
            )
            if len(rows) >= BATCH:
                Assignment.objects.bulk_create(rows)
                rows = []
    Assignment.objects.bulk_create(rows)
    # Rows loaded in bulk bypass the services that keep the dashboard summary: recount it, as after an import.
    started = time.perf_counter()
    summary_rows = summary_rebuild()
    print(f"summary rebuilt: {summary_rows} rows in {time.perf_counter() - started:.1f} s")


def make_officer(department):
    from django.contrib.auth.models import Permission

    from portal.services.people import user_create

    officer = user_create(
        actor=None, username="office-admin", first_name="钱静", clearance=2, department=department, employee_no="A1"
    )
    for app_label, codename in (("wagtailadmin", "access_admin"), ("training", "view_assignment")):
        officer.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    baseline = Permission.objects.get(content_type__app_label="portal", codename="view_securityprofile")
    officer.user_permissions.add(baseline)
    return officer


def paths_for(course):
    people = f"{DASHBOARD}people/?course={course.pk}"
    return {
        "dashboard-course": DASHBOARD,
        "dashboard-department": f"{DASHBOARD}?group=department",
        "people": people,
        "wagtail-listing": "/admin/security_profiles/",
        "export": f"{people}&format=xlsx",
    }


def query_counts(client, paths):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.ack_dashboard import refresh_idle_stamp

    counts = {}
    for name, url in paths.items():
        client.get(url)
        refresh_idle_stamp(client)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


def timed(client, url, requests):
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, response


def main():
    args = parse_args()
    tmp_dir = Path(tempfile.mkdtemp(prefix="bench-training-"))
    try:
        return run(args, tmp_dir)
    finally:
        if args.keep:
            print(f"kept {tmp_dir}")
        else:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def run(args, tmp_dir):
    from bench.page_serve import setup_django

    setup_django(tmp_dir)
    from django.utils import timezone
    from openpyxl import load_workbook

    from bench.ack_dashboard import add_staff, celery_enqueue_only, create_departments, verified_client

    celery_enqueue_only()
    rng = random.Random(args.seed)
    today = timezone.localdate()
    started = time.perf_counter()
    courses = build_courses(args.courses)
    departments = create_departments()
    officer = make_officer(departments[-1])
    small = add_staff(departments, 1, args.small_users - 1, rng, today=today)
    add_assignments(small, courses, rng, today=today)
    client = verified_client(officer)
    paths = paths_for(courses[0])
    small_counts = query_counts(client, paths)
    rest = add_staff(departments, args.small_users, args.users - args.small_users, rng, today=today)
    add_assignments(rest, courses, rng, today=today)
    print(f"built {args.users} people × {args.courses} courses in {time.perf_counter() - started:.0f} s")
    large_counts = query_counts(client, paths)

    results = {}
    for name, url in paths.items():
        results[name] = timed(client, url, args.export_requests if name == "export" else args.requests)
    rows = sum(1 for _ in load_workbook(io.BytesIO(results["export"][2].content), read_only=True).active.iter_rows())
    print(f"{'path':22} {'p50 ms':>9} {'p95 ms':>9} {'queries M':>10} {'queries N':>10}")
    for name, (p50, p95, _response) in results.items():
        print(f"{name:22} {p50:9.1f} {p95:9.1f} {small_counts[name]:10d} {large_counts[name]:10d}")
    baseline = results["wagtail-listing"][0]
    for name in ("dashboard-course", "dashboard-department", "people"):
        print(f"ratio {name} / wagtail-listing p50: {results[name][0] / baseline:.2f}")
    print(f"export rows: {rows - 3} people (one course)")
    failures = []
    grew = [name for name in paths if name != "wagtail-listing" and large_counts[name] > small_counts[name]]
    if grew:
        failures.append(f"query count grows with people: {', '.join(grew)}")
    for name in ("dashboard-course", "dashboard-department"):
        if results[name][1] > 300:
            failures.append(f"{name} p95 {results[name][1]:.0f} ms > 300 ms")
    if results["export"][1] > 5000:
        failures.append(f"export p95 {results['export'][1]:.0f} ms > 5000 ms")
    print(
        "GOAL "
        + ("missed: " + "; ".join(failures) if failures else "met: queries flat, dashboard ≤ 300 ms, export ≤ 5 s")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
