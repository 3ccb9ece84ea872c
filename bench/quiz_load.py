"""200 concurrent quiz takers against a real HTTP server on 127.0.0.1: latency of every quiz request, and a check that
no attempt or saved answer is lost and none is graded twice.

Run from the repository root:

    .venv/bin/python bench/quiz_load.py [--takers 200] [--in-flight 8] [--think 0] [--workers 2] [--threads 4] [--keep]

Set DATABASE_URL to a PostgreSQL server to run on it (a database portal_bench_quiz_<pid> is created and dropped);
otherwise a throwaway SQLite file in WAL mode with IMMEDIATE transactions (the SQLite setting for concurrent writers).

The server is gunicorn serving portal.wsgi (portal.settings.test, plus the database above) with --workers × --threads.
Data: a course with a 40-question bank (single, multiple, true/false, fill-in), 10 questions per attempt, and
--takers staff, each with an OTP-verified session (a session row as after the token step). Every taker runs the whole
flow over HTTP with its own cookies: GET the course page (CSRF cookie), POST start, GET the attempt page (question ids
and options from the HTML), POST an autosave per question, then POST submit — twice at the same moment for every
fifth taker (a double submit) — and GET the result. All takers start together; the client is bounded: at most
--in-flight requests are on the wire at once (a semaphore), and a request's latency is measured from when it is sent.
With the default --think 0 nobody pauses, so the run is a closed loop at the server's full capacity and the
latency is mostly queueing (8 in flight on 2 worker processes); --think S makes each taker pause a random 0–2·S
seconds before each request, as a person reading the next question does, so the offered load is that of 200
people rather than of 8 saturating connections.

Baseline, in the same run: each taker also GETs /healthz once (middleware, session, user, one SELECT 1): the floor
every request on this machine pays under the same load, printed as `floor` with the ratio of each p95 to it.

Checks after the run (from the database): one graded attempt per taker; every autosave that got 200 is stored on its
item; exactly one `training.attempt_graded` log entry per attempt; each attempt's points equal the sum of its items'
points. GOAL: p95 of every request type ≤ 100 ms, zero lost, zero double-graded. Exits 1 otherwise.
"""

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

QUESTION = re.compile(r'data-question="(\d+)" data-kind="(\w+)"')


def parse_args():
    parser = argparse.ArgumentParser(description="Concurrent quiz takers over HTTP.")
    parser.add_argument("--takers", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=8, help="requests on the wire at once (default 8)")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause in seconds before each request of a taker (default 0)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_module(tmp_dir, database_url):
    """A settings module for server and builder: the test settings on the bench's own database."""
    sqlite = database_url.startswith("sqlite")
    (tmp_dir / "bench_quiz_settings.py").write_text(
        "from portal.settings.test import *  # noqa\n"
        "import dj_database_url\n"
        f"DATABASES = {{'default': dj_database_url.parse({database_url!r})}}\n"
        + (
            "DATABASES['default']['OPTIONS'] = {'init_command': SQLITE_PRAGMAS, 'transaction_mode': 'IMMEDIATE',"
            " 'timeout': 30}\n"
            if sqlite
            else ""
        )
        + f"MEDIA_ROOT = {str(tmp_dir / 'media')!r}\n"
        "ALLOWED_HOSTS = ['127.0.0.1', 'localhost']\n"
    )
    return "bench_quiz_settings"


def create_pg_database(url):
    import psycopg

    base, _, _name = url.rpartition("/")
    name = f"portal_bench_quiz_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", lambda: _drop_pg(base, name)


def _drop_pg(base, name):
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build(takers):
    """Course, bank and takers; returns (course url, course pk, [session keys])."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.models import Site

    from home.models import HomePage
    from portal.models import PortalPage
    from portal.services.people import department_create, user_create
    from training.enums import QuestionKind
    from training.models import CoursePage, Question, QuestionCategory, TrainingIndexPage
    from training.services.bank import question_save

    root = PortalPage.get_first_root_node()
    home = root.add_child(instance=HomePage(title="保密门户", slug="portal-home"))
    site = Site.objects.get(is_default_site=True)
    site.root_page, site.hostname = home, "127.0.0.1"
    site.save()
    index = TrainingIndexPage(title="保密培训", slug="peixun")
    home.add_child(instance=index)
    index.save_revision().publish()
    category = QuestionCategory.objects.create(name="法规制度", code="rules")
    kinds = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL_IN]
    for n in range(40):
        kind = kinds[n % 4]
        question_save(
            actor=None,
            question=Question(category=category),
            kind=kind,
            text=f"第{n + 1}题",
            options=[f"选项{n}-{k}" for k in range(4)] if kind in kinds[:2] else [],
            answer=[0, 2] if kind == QuestionKind.MULTIPLE else (["保密协议"] if kind == QuestionKind.FILL_IN else [0]),
        )
    course = CoursePage(title="年度全员保密培训", slug="annual", quiz_question_count=10, quiz_attempt_limit=1)
    index.add_child(instance=course)
    course.quiz_categories = [category]
    course.save_revision().publish()
    department = department_create(name="研发部", code="rd")
    sessions = []
    for n in range(takers):
        user = user_create(actor=None, username=f"taker{n:04d}", clearance=0, department=department)
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store["portal_last_seen"] = int(time.time())
        store.create()
        sessions.append(store.session_key)
    assert get_user_model().objects.count() == takers
    return course.url, course.pk, sessions


class Taker:
    def __init__(self, base, session_key, gate, timings, rng, double, think=0.0):
        self.base, self.gate, self.timings, self.rng, self.double = base, gate, timings, rng, double
        self.think = think
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session_key, domain="127.0.0.1")
        self.saved = {}  # question version id → True when the server said 200
        self.errors = []
        self.attempt_id = None

    def call(self, kind, method, path, **kwargs):
        if self.think:
            time.sleep(self.rng.uniform(0, 2 * self.think))
        with self.gate:
            start = time.perf_counter()
            response = self.http.request(method, self.base + path, allow_redirects=False, timeout=60, **kwargs)
            self.timings[kind].append((time.perf_counter() - start) * 1000)
        return response

    def post(self, kind, path, data):
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken", ""), "Referer": self.base + "/"}
        return self.call(kind, "POST", path, data=data, headers=headers)

    def run(self, course_url, course_pk):
        try:
            return self.flow(course_url, course_pk)
        except (requests.RequestException, AssertionError) as error:
            self.errors.append(("flow", repr(error)))
            return None

    def flow(self, course_url, course_pk):
        page = self.call("course", "GET", course_url)
        assert page.status_code == 200, page.status_code
        start = self.post("start", f"/training/quiz/{course_pk}/start/", {})
        assert start.status_code == 302, start.status_code
        attempt_path = start.headers["Location"]
        self.attempt_id = int(attempt_path.strip("/").split("/")[-1])
        html = self.call("attempt", "GET", attempt_path).text
        floor = self.call("floor", "GET", "/healthz")
        assert floor.status_code == 200, floor.status_code
        questions = QUESTION.findall(html)
        for version_id, kind in questions:
            data = {"question": version_id}
            if kind == "fill_in":
                data["text"] = self.rng.choice(["保密协议", "不知道"])
            elif kind == "multiple":
                data["choice"] = self.rng.sample(range(4), self.rng.randint(1, 3))
            else:
                data["choice"] = [self.rng.randrange(4 if kind == "single" else 2)]
            response = self.post("answer", attempt_path + "answer/", data)
            if response.status_code == 200:
                self.saved[int(version_id)] = True
            else:
                self.errors.append(("answer", response.status_code))
        submit = attempt_path + "submit/"
        if self.double:
            with ThreadPoolExecutor(2) as pool:
                codes = list(pool.map(lambda _: self.post("submit", submit, {}).status_code, range(2)))
        else:
            codes = [self.post("submit", submit, {}).status_code]
        if any(code != 302 for code in codes):
            self.errors.append(("submit", codes))
        result = self.call("result", "GET", attempt_path + "result/")
        if result.status_code != 200:
            self.errors.append(("result", result.status_code))
        return self.attempt_id


def main():
    args = parse_args()
    tmp_dir = Path(tempfile.mkdtemp(prefix="bench-quiz-"))
    cleanup = []
    try:
        return run(args, tmp_dir, cleanup)
    finally:
        for step in cleanup:
            step()
        if args.keep:
            print(f"kept {tmp_dir}")
        else:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def run(args, tmp_dir, cleanup):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        url, drop = create_pg_database(url)
        cleanup.append(drop)
    else:
        url = f"sqlite:///{tmp_dir / 'bench.sqlite3'}"
    sys.path.insert(0, str(tmp_dir))
    module = settings_module(tmp_dir, url)
    os.environ["DJANGO_SETTINGS_MODULE"] = module
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "ELASTICSEARCH_URL", "CLASSIFIED_NETWORKS"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    course_url, course_pk, sessions = build(args.takers)
    connection.close()
    port = free_port()
    env = dict(os.environ, PYTHONPATH=f"{tmp_dir}{os.pathsep}{REPO_ROOT}")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--keep-alive",
            "75",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "--no-control-socket",
        ],
        cwd=REPO_ROOT,
        env=env,
    )
    cleanup.insert(0, lambda: (server.terminate(), server.wait(timeout=30)))
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + "/healthz", timeout=5)
            break
        except requests.RequestException:
            time.sleep(0.2)
    for taker_path in ("/",):  # one warm-up request per worker process loads the URLconf and templates
        for _ in range(args.workers * 2):
            requests.get(base + taker_path, timeout=60)
    rng = random.Random(args.seed)
    gate = threading.BoundedSemaphore(args.in_flight)
    timings = defaultdict(list)
    takers = [
        Taker(base, key, gate, timings, random.Random(rng.random()), double=n % 5 == 0, think=args.think)
        for n, key in enumerate(sessions)
    ]
    started, client_cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(len(takers)) as pool:
        attempt_ids = list(pool.map(lambda t: t.run(course_url, course_pk), takers))
    wall = time.perf_counter() - started
    # The client shares the machine with the server: what it used is not available to gunicorn.
    print(f"client CPU {time.process_time() - client_cpu:.1f} s over {wall:.1f} s of wall time")
    return report(args, takers, attempt_ids, timings, wall)


def report(args, takers, attempt_ids, timings, wall):
    from wagtail.models import PageLogEntry

    from training.enums import AttemptStatus
    from training.models import Attempt, AttemptItem

    total = sum(len(v) for v in timings.values())
    print(
        f"{len(takers)} takers, {total} requests in {wall:.1f} s ({total / wall:.0f} req/s), "
        f"in flight ≤ {args.in_flight}, think {args.think:g} s"
    )
    print(f"{'request':10} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/floor':>10}")
    worst = 0.0

    def p95_of(samples):
        return samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]

    floor = p95_of(sorted(timings["floor"]))
    for kind in ("floor", "course", "start", "attempt", "answer", "submit", "result"):
        samples = sorted(timings[kind])
        p95 = p95_of(samples)
        if kind != "floor":
            worst = max(worst, p95)
        print(
            f"{kind:10} {len(samples):6d} {statistics.median(samples):8.1f} {p95:8.1f} {samples[-1]:8.1f} "
            f"{p95 / floor:10.2f}"
        )
    attempt_ids = [attempt_id for attempt_id in attempt_ids if attempt_id is not None]
    graded = Attempt.objects.filter(pk__in=attempt_ids, status=AttemptStatus.GRADED).count()
    lost_attempts = len(set(attempt_ids)) - graded + (len(takers) - len(set(attempt_ids)))
    lost_answers = 0
    for taker in takers:
        attempt_id = taker.attempt_id
        stored = set(
            AttemptItem.objects.filter(attempt_id=attempt_id, answered_at__isnull=False).values_list(
                "question_version_id", flat=True
            )
        )
        lost_answers += len(set(taker.saved) - stored)
    logs = PageLogEntry.objects.filter(action="training.attempt_graded").values_list("data", flat=True)
    per_attempt = defaultdict(int)
    for data in logs:
        per_attempt[data["attempt"]] += 1
    double = sum(1 for attempt_id in attempt_ids if per_attempt[attempt_id] != 1)
    mismatched = sum(
        1
        for attempt in Attempt.objects.filter(pk__in=attempt_ids)
        if attempt.points != sum(i.points or 0 for i in attempt.items.all())
    )
    errors = sum(len(t.errors) for t in takers)
    print(
        f"attempts graded {graded}/{len(takers)}; lost attempts {lost_attempts}; lost answers {lost_answers}; "
        f"double-graded {double}; points mismatches {mismatched}; request errors {errors}"
    )
    ok = worst <= 100 and lost_attempts == lost_answers == double == mismatched == errors == 0
    print("GOAL " + ("met" if ok else "missed") + f": worst p95 {worst:.1f} ms (≤ 100), zero lost, zero double-graded")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
