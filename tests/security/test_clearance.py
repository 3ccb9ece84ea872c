"""Clearance and 知悉范围 on every surface: page serve, documents, images, menus, listings, admin.

Each attack sits beside its allowed twin.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage

from portal.enums import Clearance
from portal.models import ReadAuditEntry, SecureDocument, SecureImage

pytestmark = pytest.mark.django_db


def assert_denied(response):
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def make_document(clearance=0, scope=(), title="规格书"):
    document = SecureDocument(
        title=title, clearance=clearance, secrecy_term="5年" if clearance else "", classification_basis="x"
    )
    document.file.save("spec.txt", ContentFile("技术规格".encode()), save=False)
    document.save()
    document.scope.set(scope)
    return document


def make_image(clearance=0, scope=()):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), (200, 0, 0)).save(buffer, format="PNG")
    image = SecureImage(
        title="框图", clearance=clearance, secrecy_term="5年" if clearance else "", classification_basis="x"
    )
    image.file.save("diagram.png", ImageFile(buffer, name="diagram.png"), save=False)
    image.save()
    image.scope.set(scope)
    return image


def test_lower_clearance_gets_403_uncached_and_the_cleared_user_reads_it(page_at, user_with, verified_client):
    page = page_at(clearance=Clearance.CONFIDENTIAL, title="星河项目技术方案")
    denied = verified_client(user_with(Clearance.SECRET)).get(page.url)
    assert_denied(denied)
    assert "星河" not in denied.content.decode()
    allowed = verified_client(user_with(Clearance.CONFIDENTIAL)).get(page.url)
    assert allowed.status_code == 200
    assert "星河项目技术方案" in allowed.content.decode()
    assert "机密★5年" in allowed.content.decode()
    assert "no-store" in allowed["Cache-Control"]


def test_outside_the_scope_gets_403_even_with_higher_clearance(page_at, user_with, verified_client, department):
    rd, production = department(), department()
    page = page_at(clearance=Clearance.SECRET, scope=[rd.group])
    assert_denied(verified_client(user_with(Clearance.TOP_SECRET, production)).get(page.url))
    assert verified_client(user_with(Clearance.SECRET, rd)).get(page.url).status_code == 200


def test_child_of_a_classified_section_is_protected_even_if_marked_internal(page_at, user_with, verified_client):
    section = page_at(clearance=Clearance.CONFIDENTIAL, kind="section")
    child = page_at(section, clearance=Clearance.INTERNAL)
    assert_denied(verified_client(user_with(Clearance.SECRET)).get(child.url))


def test_superusers_do_not_bypass_clearance(page_at, user_with, verified_client):
    page = page_at(clearance=Clearance.SECRET)
    admin = user_with(Clearance.INTERNAL)
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client = verified_client(admin)
    assert_denied(client.get(page.url))
    assert_denied(client.get(f"/admin/pages/{page.pk}/edit/"))
    assert_denied(client.get(f"/admin/pages/{page.pk}/edit/preview/"))
    assert_denied(client.get(f"/admin/pages/{page.pk}/history/"))


def test_menus_listings_and_admin_explorer_never_show_a_title_the_user_cannot_open(
    home, page_at, user_with, verified_client
):
    section = page_at(kind="section", title="研发中心")
    section.show_in_menus = True
    section.save_revision().publish()
    page_at(section, clearance=Clearance.CONFIDENTIAL, title="星河项目技术方案")
    page_at(section, title="公开通知")
    secret_section = page_at(kind="section", clearance=Clearance.SECRET, title="生产管理")
    secret_section.show_in_menus = True
    secret_section.save_revision().publish()

    staff = user_with(Clearance.INTERNAL)
    staff.is_superuser = staff.is_staff = True
    staff.save()
    client = verified_client(staff)
    for url in (
        home.url,
        section.url,
        f"/admin/pages/{section.pk}/",
        f"/admin/pages/{home.pk}/",
        "/admin/pages/search/?q=星河",
    ):
        html = client.get(url).content.decode()
        assert "星河项目技术方案" not in html, url
        assert "生产管理" not in html, url
    assert "公开通知" in client.get(section.url).content.decode()
    assert f'<a href="{section.url}">研发中心</a>' in client.get(home.url).content.decode()  # the menu entry
    cleared = verified_client(user_with(Clearance.CONFIDENTIAL)).get(section.url).content.decode()
    assert "星河项目技术方案" in cleared


def test_documents_are_checked_audited_and_never_cached_when_classified(user_with, verified_client):
    document = make_document(Clearance.CONFIDENTIAL)
    assert_denied(verified_client(user_with(Clearance.SECRET)).get(document.url))
    reader = user_with(Clearance.CONFIDENTIAL)
    client = verified_client(reader)
    # A classified document first asks for the purpose (借阅登记, records app); the file follows the registration.
    form = client.get(document.url)
    assert form.status_code == 200 and "技术规格" not in form.content.decode()
    assert "no-store" in form["Cache-Control"]
    response = client.post(document.url, {"kind": "download", "purpose": "审阅"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "技术规格"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert ReadAuditEntry.objects.filter(user=reader, object_id=str(document.pk), action="download").exists()


def test_old_document_urls_with_filename_are_checked_too(user_with, verified_client):
    document = make_document(Clearance.SECRET)
    assert_denied(verified_client(user_with(Clearance.INTERNAL)).get(f"/documents/{document.pk}/{document.filename}"))


def test_document_scope_is_enforced(user_with, verified_client, department):
    rd, market = department(), department()
    document = make_document(Clearance.INTERNAL, scope=[rd.group])
    assert_denied(verified_client(user_with(Clearance.TOP_SECRET, market)).get(document.url))
    assert verified_client(user_with(Clearance.INTERNAL, rd)).get(document.url).status_code == 200


def test_images_are_served_only_through_the_checked_view(user_with, verified_client, client):
    image = make_image(Clearance.SECRET)
    rendition = image.get_rendition("width-20")
    assert rendition.url.startswith("/images/r/")
    assert_denied(verified_client(user_with(Clearance.INTERNAL)).get(rendition.url))
    assert verified_client(user_with(Clearance.SECRET)).get(rendition.url).status_code == 200
    # The original file and the rendition file are not reachable under any media URL.
    for path in (f"/media/{image.file.name}", f"/media/{rendition.file.name}", f"/media-not-served/{image.file.name}"):
        assert client.get(path).status_code == 302  # anonymous → login
        assert verified_client(user_with(Clearance.TOP_SECRET)).get(path).status_code == 404


def test_admin_document_and_image_listings_hide_what_the_user_cannot_read(user_with, verified_client):
    make_document(Clearance.CONFIDENTIAL, title="机密规格书")
    make_document(Clearance.INTERNAL, title="公开手册")
    admin = user_with(Clearance.INTERNAL)
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client = verified_client(admin)
    listing = client.get("/admin/documents/").content.decode()
    assert "公开手册" in listing and "机密规格书" not in listing
    chooser = client.get("/admin/documents/chooser/").content.decode()
    assert "机密规格书" not in chooser
    secret = SecureDocument.objects.get(title="机密规格书")
    assert_denied(client.get(f"/admin/documents/edit/{secret.pk}/"))


def test_admin_listings_outside_the_classified_networks_hide_classified_titles(
    page_at, user_with, verified_client, settings
):
    """O26 领导干部保密工作职责制(第二篇) 1②: Wagtail's listings, choosers and admin search ask the permission policies,
    which get no request; outside CLASSIFIED_NETWORKS a 机密 editor still reads there only as 内部."""
    settings.CLASSIFIED_NETWORKS = ["10.0.0.0/8"]
    make_document(Clearance.SECRET, title="机密规格书")
    make_document(Clearance.INTERNAL, title="公开手册")
    page_at(clearance=Clearance.SECRET, title="涉密型号页面")
    editor = user_with(Clearance.CONFIDENTIAL)
    editor.is_superuser = editor.is_staff = True
    editor.save()
    client = verified_client(editor)
    for url in ("/admin/documents/", "/admin/documents/chooser/", "/admin/pages/search/?q=涉密型号"):
        outside = client.get(url, REMOTE_ADDR="192.0.2.7").content.decode()
        assert "机密规格书" not in outside and "涉密型号页面" not in outside, url
    inside = client.get("/admin/documents/", REMOTE_ADDR="10.9.9.9").content.decode()
    assert "机密规格书" in inside and "公开手册" in inside


def test_reading_a_classified_page_is_audited_and_internal_reads_are_not(page_at, user_with, verified_client):
    classified, internal = page_at(clearance=Clearance.SECRET), page_at()
    reader = user_with(Clearance.SECRET)
    client = verified_client(reader)
    client.get(classified.url, REMOTE_ADDR="10.1.2.3")
    client.get(internal.url)
    entries = ReadAuditEntry.objects.filter(user=reader)
    assert [(e.object_id, e.clearance, e.ip_address) for e in entries] == [(str(classified.pk), 1, "10.1.2.3")]


def test_classified_reads_only_from_classified_networks_when_configured(page_at, user_with, verified_client, settings):
    """O26 领导干部保密工作职责制(第二篇) 1②: 秘密 and above are read only in protected places."""
    settings.CLASSIFIED_NETWORKS = ["10.0.0.0/8"]
    classified, internal = page_at(clearance=Clearance.SECRET), page_at()
    client = verified_client(user_with(Clearance.TOP_SECRET))
    assert client.get(classified.url, REMOTE_ADDR="10.9.9.9").status_code == 200
    assert_denied(client.get(classified.url, REMOTE_ADDR="192.0.2.7"))
    assert client.get(internal.url, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_user_who_has_left_sees_nothing(page_at, user_with, verified_client):
    import datetime

    page = page_at()
    user = user_with(Clearance.SECRET)
    user.security_profile.left_on = datetime.date(2026, 1, 1)
    user.security_profile.save()
    assert_denied(verified_client(user).get(page.url))


def test_an_embedded_file_the_reader_cannot_open_shows_neither_link_nor_title(page_at, user_with, verified_client):
    document = make_document(Clearance.CONFIDENTIAL, title="星河规格书")
    page = page_at(title="公开页面")
    page.body = [("paragraph", "<p>正文</p>"), ("document", document)]
    page.save_revision().publish()
    low = verified_client(user_with(Clearance.INTERNAL)).get(page.url).content.decode()
    assert "正文" in low and "星河规格书" not in low and document.url not in low
    high = verified_client(user_with(Clearance.CONFIDENTIAL)).get(page.url).content.decode()
    assert "星河规格书" in high and document.url in high


def test_a_missing_file_id_is_answered_like_a_denied_one(user_with, verified_client):
    client = verified_client(user_with(Clearance.TOP_SECRET))
    assert_denied(client.get("/documents/987654/"))
    assert_denied(client.get("/images/r/987654/"))


def test_the_page_types_report_that_names_pages_unfiltered_is_closed(page_at, user_with, verified_client):
    """Wagtail's page-types usage report shows each type's last edited page, whatever its 密级: closed for all."""
    page_at(clearance=Clearance.TOP_SECRET, title="绝密工艺参数")
    admin = user_with(Clearance.INTERNAL)
    admin.is_superuser = admin.is_staff = True
    admin.save()
    response = verified_client(admin).get("/admin/reports/page-types-usage/")
    assert response.status_code == 403 and "绝密工艺参数" not in response.content.decode()
    assert "page-types-usage" not in verified_client(admin).get("/admin/reports/site-history/").content.decode()
