"""Records: the cost of 借阅 registration + PDF watermark on a classified download, and the 定密台账 at two sizes.

Run from the repository root:

    .venv/bin/python bench/records.py [--requests N] [--pages P] [--items I] [--small-items S] [--keep]

A throwaway SQLite database in a temporary directory is migrated (portal.settings.test, as bench/page_serve.py).
Documents are P-page PDFs drawn with reportlab. A 机密 user with a confirmed TOTP device is logged in on a
django.test.Client whose session is OTP-verified, so every timed request runs the whole middleware stack.

Timed paths, interleaved request by request:

  borrow-watermarked  POST /documents/<秘密 PDF>/ with a purpose: access check, Borrowing row, Wagtail log entry,
                      read-audit row, the PDF re-written with the borrower's name on every page
  plain-download      GET /documents/<内部 PDF>/: the same view and file size, served as stored (the baseline)

The ratio is p50 borrow-watermarked over p50 plain-download: what the registration and watermark add to a download.

The 定密台账 (GET /records/register/ as a 保密办 officer) is timed with S and then I classified documents (plus one
classified page per 20 documents); its SQL query count must not grow with the number of items (GOAL; exit 1 if it
does), and its p50 is printed at both sizes.
"""

import argparse
import io
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
    parser = argparse.ArgumentParser(description="Borrowing registration + watermark, and the classification register.")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per download path (default 100)")
    parser.add_argument("--pages", type=int, default=10, help="pages per PDF (default 10)")
    parser.add_argument("--items", type=int, default=2000, help="classified documents in the large register")
    parser.add_argument("--small-items", type=int, default=200, help="classified documents in the small register")
    parser.add_argument("--register-requests", type=int, default=10, help="timed register requests per size")
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


def pdf_bytes(pages):
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    for number in range(pages):
        for line in range(40):
            sheet.drawString(60, 780 - line * 18, f"Page {number + 1} line {line + 1}: technical specification text")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def document(title, clearance, data, *, save_file=True):
    from django.core.files.base import ContentFile

    from portal.models import SecureDocument

    doc = SecureDocument(
        title=title, clearance=clearance, secrecy_term="5年" if clearance else "", classification_basis="依据"
    )
    doc.file.save(f"{title}.pdf", ContentFile(data), save=False)
    doc.save()
    return doc


def verified_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def summarise(samples):
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.95) - 1] * 1000


def add_register_items(home, count, start, officer):
    from home.models import ArticlePage
    from portal.enums import Clearance
    from portal.models import SecureDocument

    SecureDocument.objects.bulk_create(
        [
            SecureDocument(
                title=f"涉密文件{n}",
                file=f"doc{n}.pdf",
                clearance=Clearance.SECRET + n % 2,
                effective_clearance=Clearance.SECRET + n % 2,
                secrecy_term="5年",
                classification_basis="依据",
                classifier=officer,
            )
            for n in range(start, start + count)
        ]
    )
    for n in range(start, start + count, 20):
        home.add_child(
            instance=ArticlePage(
                title=f"涉密页面{n}",
                slug=f"p{n}",
                clearance=Clearance.SECRET,
                secrecy_term="3年",
                classification_basis="依据",
                classifier=officer,
            )
        )


def main():
    args = parse_args()
    tmp_dir = Path(tempfile.mkdtemp(prefix="bench-records-"))
    try:
        return run(args, tmp_dir)
    finally:
        if args.keep:
            print(f"kept {tmp_dir}")
        else:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def run(args, tmp_dir):
    setup_django(tmp_dir)
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Site

    from home.models import HomePage
    from portal.enums import Clearance
    from portal.models import PortalPage
    from portal.services.people import department_create, user_create
    from records.models import Borrowing

    root = PortalPage.get_first_root_node()
    home = root.add_child(instance=HomePage(title="保密门户", slug="portal-home"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()

    dept = department_create(name="研发部", code="rd")
    reader = user_create(
        actor=None,
        username="reader",
        first_name="李工",
        clearance=Clearance.CONFIDENTIAL,
        department=dept,
        employee_no="E1",
    )
    officer = user_create(actor=None, username="officer", clearance=Clearance.CONFIDENTIAL, department=dept)
    officer.user_permissions.add(Permission.objects.get(codename="manage_records"))

    data = pdf_bytes(args.pages)
    classified = document("classified", Clearance.SECRET, data)
    internal = document("internal", Clearance.INTERNAL, data)
    client = verified_client(reader)

    def borrow():
        response = client.post(classified.url, {"kind": "borrow", "purpose": "bench"})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", response.status_code
        return response.content

    def plain():
        response = client.get(internal.url)
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    paths = {"borrow-watermarked": borrow, "plain-download": plain}
    for call in paths.values():
        for _ in range(5):
            call()
    samples = {name: [] for name in paths}
    for _ in range(args.requests):
        for name, call in paths.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)

    print(f"PDF of {args.pages} pages, {len(data):,} bytes; {args.requests} requests per path")
    print(f"{'path':<22}{'p50 ms':>10}{'p95 ms':>10}")
    results = {}
    for name, values in samples.items():
        results[name] = summarise(values)
        print(f"{name:<22}{results[name][0]:>10.1f}{results[name][1]:>10.1f}")
    ratio = results["borrow-watermarked"][0] / results["plain-download"][0]
    print(f"ratio borrow-watermarked / plain-download (p50): {ratio:.2f}")
    print(f"borrowings registered: {Borrowing.objects.count():,}")

    office = verified_client(officer)
    counts, timings = {}, {}
    added = 0
    for size in (args.small_items, args.items):
        add_register_items(home, size - added, added, officer)
        added = size
        office.get("/records/register/")
        with CaptureQueriesContext(connection) as queries:
            response = office.get("/records/register/")
        assert response.status_code == 200
        counts[size] = len(queries)
        values = []
        for _ in range(args.register_requests):
            started = time.perf_counter()
            office.get("/records/register/")
            values.append(time.perf_counter() - started)
        timings[size] = summarise(values)
    print(f"{'register items':<22}{'queries':>10}{'p50 ms':>10}{'p95 ms':>10}")
    for size in counts:
        rows = size + size // 20
        print(f"{rows:<22}{counts[size]:>10}{timings[size][0]:>10.1f}{timings[size][1]:>10.1f}")
    ok = counts[args.items] <= counts[args.small_items]
    print(f"GOAL register query count constant in the number of items: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
