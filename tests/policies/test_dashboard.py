import datetime
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from policies.models import Acknowledgement

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/policies/acknowledgements/"


@pytest.fixture
def office_admin(user_with):
    admin = user_with(0, username="office-admin")
    admin.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_acknowledgement")
    )
    return admin


@pytest.fixture
def scenario(regulation, user_with, department):
    """研发部: 3 people (1 signed, 1 overdue, 1 pending); 市场部: 2 people (both signed)."""
    rd, market = department("研发部", "rd"), department("市场部", "market")
    rd_users = [user_with(0, rd, username=f"rd{i}", employee_no=f"R{i}") for i in range(3)]
    market_users = [user_with(0, market, username=f"mk{i}", employee_no=f"M{i}") for i in range(2)]
    page = regulation(title="技术保密管理规定", audience_all_staff=False, audience_departments=[rd, market])
    now = timezone.now()
    Acknowledgement.objects.filter(user__in=[rd_users[0], *market_users]).update(
        acknowledged_at=now, ip_address="10.0.0.1", text_sha256="a" * 64
    )
    Acknowledgement.objects.filter(user=rd_users[1]).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    return page, rd, market


def test_dashboard_counts_match_a_hand_built_scenario(scenario, office_admin, verified_client):
    """O03 深圳条例 第十三条: 送达/签收 counts per department match the fixture."""
    html = verified_client(office_admin).get(DASHBOARD).content.decode()
    cells = {
        name: [int(n) for n in re.findall(r">(\d+)%?<", row)[:5]]
        for name, row in re.findall(r"<td>(研发部|市场部)</td>(.*?)</tr>", html, flags=re.S)
    }
    # required, acknowledged, pending, overdue, completion %
    assert cells == {"研发部": [3, 1, 1, 1, 33], "市场部": [2, 2, 0, 0, 100]}
    assert "技术保密管理规定" in html and "60%" in html


def test_drilldown_lists_the_overdue_people(scenario, office_admin, verified_client):
    page, rd, _market = scenario
    version = page.versions.get()
    html = verified_client(office_admin).get(f"{DASHBOARD}{version.pk}/?status=overdue&department={rd.pk}")
    assert html.status_code == 200
    body = html.content.decode()
    # Whole words: a random CSRF token can contain "R2".
    listed = set(re.findall(r"\b[RM]\d\b", body))
    assert "R1" in listed and "R0" not in listed and "R2" not in listed


def test_excel_export_holds_every_row_with_its_evidence(scenario, office_admin, verified_client):
    page, _rd, _market = scenario
    version = page.versions.get()
    response = verified_client(office_admin).get(f"{DASHBOARD}{version.pk}/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    assert header[0] == "工号" and "签收时间" in header
    people = {row[0]: row for row in rows[3:]}
    assert set(people) == {"R0", "R1", "R2", "M0", "M1"}
    assert people["R0"][header.index("签收IP")] == "10.0.0.1"
    assert people["R1"][header.index("状态")] == "逾期"


def test_person_evidence_pdf(scenario, office_admin, verified_client):
    signer = Acknowledgement.objects.filter(acknowledged_at__isnull=False).first().user
    response = verified_client(office_admin).get(f"{DASHBOARD}person/{signer.pk}/evidence.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert verified_client(office_admin).get(f"{DASHBOARD}person/999999/evidence.pdf").status_code == 404


def test_dashboard_and_exports_are_denied_without_the_permission(scenario, user_with, verified_client):
    page, _rd, _market = scenario
    snoop = user_with(3, username="snoop")
    snoop.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = verified_client(snoop)
    version = page.versions.get()
    for url in (DASHBOARD, f"{DASHBOARD}{version.pk}/?format=xlsx", f"{DASHBOARD}person/{snoop.pk}/evidence.pdf"):
        response = client.get(url)
        assert response.status_code == 403
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_dashboard_queries_do_not_grow_with_the_number_of_people(
    regulation, user_with, department, office_admin, verified_client
):
    rd = department("研发部", "rd")
    page = regulation(audience_all_staff=False, audience_departments=[rd])
    client = verified_client(office_admin)
    version = page.versions.get()

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(DASHBOARD).status_code == 200
            assert client.get(f"{DASHBOARD}{version.pk}/").status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        user_with(0, rd, username=f"few{i}")
    from policies.services.acks import ack_fanout

    ack_fanout(version_id=version.pk)
    queries()  # warm the per-process caches (content types, site root)
    few = queries()
    for i in range(30):
        user_with(0, rd, username=f"many{i}")
    ack_fanout(version_id=version.pk)
    assert Acknowledgement.objects.filter(version=version).count() == 33
    assert queries() == few


def test_completeness_panel_lists_the_elements_no_article_covers(regulation, office_admin, verified_client, publish):
    """O02 深圳条例 第十一条(一)–(五): with no 条 tagged 涉密场所 the panel lists it; once one is, it is gone."""
    page = regulation()
    client = verified_client(office_admin)
    assert "涉密场所" in client.get(DASHBOARD).content.decode()
    body = [(block.block_type, dict(block.value)) for block in page.body]
    body[1][1]["elements"] = ["place"]
    publish(page, body=body)
    html = client.get(DASHBOARD).content.decode()
    assert "涉密场所" not in html and "保密对象" in html
