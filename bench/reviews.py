"""Reviews: the cost of a signed approval, and the 待我审批 queue and 台账 at two sizes.

Run from the repository root:

    .venv/bin/python bench/reviews.py [--requests N] [--items I] [--small-items S] [--keep]

A throwaway SQLite database in a temporary directory is migrated (portal.settings.test, as bench/page_serve.py).
Requests are filed and submitted through the reviews services, so each has a Wagtail revision, workflow state and
task state, like production. Users have confirmed TOTP devices and OTP-verified test-client sessions, so every
timed request runs the whole middleware stack.

Timed paths, interleaved request by request:

  approve   POST /reviews/<id>/decide/ action=approve: access + participant check, OTP step-up (django-otp),
            row locks, Wagtail TaskState.approve and the move to the next step, decision row, audit log entry
  comment   POST /reviews/<id>/decide/ action=comment on the same kind of request: the same view, access check and
            audit log entry without signature or workflow step (the baseline)

The ratio is p50 approve over p50 comment: what the 签字认可 and the workflow step add to a decision.

The queue (GET /reviews/queue/ as the department head holding the first step of every request) and the register
(GET /reviews/register/ as 保密办) are timed with S and then I requests; their SQL query counts must not grow with
the number of requests (GOAL; exit 1 if they do), and their p50 is printed at both sizes.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description="Signed approvals, the approval queue and the review register.")
    parser.add_argument("--requests", type=int, default=50, help="timed decisions per path (default 50)")
    parser.add_argument("--items", type=int, default=600, help="requests in the large queue/register (default 600)")
    parser.add_argument("--small-items", type=int, default=100, help="requests in the small queue/register")
    parser.add_argument("--listing-requests", type=int, default=10, help="timed queue/register requests per size")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database directory")
    return parser.parse_args()


def setup_django(tmp_dir):
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


def verified_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="TOTP", confirmed=True
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client, device


def fresh_code(device):
    """The current code, with the device's last-used step forgotten (one decision per 30 s is not the point here)."""
    from django_otp.oath import totp

    device.last_t = -1
    device.save(update_fields=["last_t"])
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def summarise(samples):
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[max(int(len(samples) * 0.95) - 1, 0)] * 1000


def build_people():
    from django.contrib.auth.models import Group

    from portal.enums import Clearance
    from portal.services.people import department_create, user_create
    from reviews.chains import chains_ensure
    from reviews.models import OFFICE_GROUP

    chains_ensure()
    rd = department_create(name="研发部", code="rd")
    office_dept = department_create(name="保密办", code="office")
    make = lambda name, clearance, dept: user_create(  # noqa: E731
        actor=None,
        username=name,
        password="bench-pass-123",  # noqa: S106 - a throwaway bench account
        clearance=clearance,
        department=dept,
    )
    engineer = make("engineer", Clearance.SECRET, rd)
    head = make("pm", Clearance.CONFIDENTIAL, rd)
    rd.head = head
    rd.save()
    officer = make("officer", Clearance.CONFIDENTIAL, office_dept)
    officer.groups.add(Group.objects.get(name=OFFICE_GROUP))
    return engineer, head, officer


def file_requests(engineer, count, start):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.enums import Clearance
    from reviews import services
    from reviews.enums import ReviewKind
    from reviews.models import ReviewRequest

    created = []
    for n in range(start, start + count):
        rr = ReviewRequest(
            kind=ReviewKind.PUBLICATION,
            title=f"稿件{n}",
            summary="摘要",
            planned_date="2026-12-01",
            assessment_reasons="不涉密",
            details={"venue": "期刊", "authors": "作者", "abstract": "摘要"},
            clearance=Clearance.SECRET,
            secrecy_term="5年",
            classification_basis="保密审查申请材料",
        )
        services.request_save(user=engineer, review_request=rr, is_new=True)
        services.attachment_add(
            user=engineer,
            review_request=rr,
            upload=SimpleUploadedFile("m.pdf", b"%PDF-1.4 bench", content_type="application/pdf"),
        )
        services.request_submit(user=engineer, review_request=rr)
        created.append(rr)
    return created


def time_decisions(head, requests_for_approve, requests_for_comment):
    from django.db import connection  # noqa: F401 - keeps the connection import local to Django setup

    from reviews import selectors

    client, device = verified_client(head)
    approve, comment = [], []
    for approved, commented in zip(requests_for_approve, requests_for_comment, strict=True):
        task_state = selectors.current_task_state(approved).pk
        code = fresh_code(device)
        started = time.perf_counter()
        response = client.post(
            f"/reviews/{approved.pk}/decide/",
            {"action": "approve", "task_state": task_state, "otp_token": code, "no_leak_confirmed": "on"},
        )
        approve.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
        started = time.perf_counter()
        response = client.post(f"/reviews/{commented.pk}/decide/", {"action": "comment", "comment": "请补充说明"})
        comment.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
    from reviews.models import ReviewDecision

    assert ReviewDecision.objects.filter(action="approve").count() == len(requests_for_approve)
    return approve, comment


def time_listing(client, path, runs):
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path)
        samples.append(time.perf_counter() - started)
    return count, summarise(samples)[0]


def main():
    args = parse_args()
    tmp_dir = Path(tempfile.mkdtemp(prefix="bench-reviews-"))
    try:
        setup_django(tmp_dir)
        engineer, head, officer = build_people()
        started = time.perf_counter()
        pool = file_requests(engineer, 2 * args.requests, 0)
        print(f"filed {len(pool)} requests through the services in {time.perf_counter() - started:.1f} s")
        approve, comment = time_decisions(head, pool[: args.requests], pool[args.requests :])
        (a50, a95), (c50, c95) = summarise(approve), summarise(comment)
        print(f"{'path':<10} {'p50 ms':>8} {'p95 ms':>8}")
        print(f"{'approve':<10} {a50:>8.1f} {a95:>8.1f}")
        print(f"{'comment':<10} {c50:>8.1f} {c95:>8.1f}")
        print(f"ratio approve/comment p50 = {a50 / c50:.2f}")

        head_client, _ = verified_client(head)
        officer_client, _ = verified_client(officer)
        # The approved half moved on to 保密办; the commented half still waits for the head.
        filed = len(pool)
        results = {}
        for size in (max(args.small_items, filed), max(args.items, filed)):
            if size > filed:
                file_requests(engineer, size - filed, filed)
                filed = size
            results[size] = {
                "queue": time_listing(head_client, "/reviews/queue/", args.listing_requests),
                "register": time_listing(officer_client, "/reviews/register/", args.listing_requests),
            }
        print(f"{'view':<10} {'requests':>9} {'queries':>8} {'p50 ms':>8}")
        for size, views in results.items():
            for name, (queries, p50) in views.items():
                print(f"{name:<10} {size:>9} {queries:>8} {p50:>8.1f}")
        grew = [
            name for name in ("queue", "register") if results[max(results)][name][0] > results[min(results)][name][0]
        ]
        if grew:
            print(f"GOAL missed: query count grows with the number of requests in {', '.join(grew)}")
            return 1
        print("GOAL met: queue and register issue the same number of queries at both sizes")
        return 0
    finally:
        if args.keep:
            print(f"kept {tmp_dir}")
        else:
            shutil.rmtree(tmp_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
