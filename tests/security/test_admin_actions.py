"""Admin actions on items above the user's clearance: Wagtail's page permission tester, the add view of a page
under a classified parent and the bulk actions' confirmation pages, for a superuser and for a section editor.

Wagtail lets a superuser do anything to any page and lists every selected item, title included, on a bulk action's
confirmation page; the portal refuses both for an item the user may not read.
"""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission

from portal.enums import Clearance
from portal.models import PortalPage

from .test_clearance import assert_denied, make_document

pytestmark = pytest.mark.django_db

BULK = "/admin/bulk/portal/portalpage"


@pytest.fixture
def low_superuser(user_with):
    user = user_with(Clearance.INTERNAL)
    user.is_superuser = user.is_staff = True
    user.save()
    return user


@pytest.fixture
def section_editor(user_with, home):
    """An 内部 editor with every page permission on the whole site, through a group."""
    group = Group.objects.create(name="全站编辑")
    for codename in ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"):
        GroupPagePermission.objects.create(group=group, page=home, permission_type=codename.split("_page")[0])
    user = user_with(Clearance.INTERNAL)
    user.groups.add(group)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.mark.parametrize("who", ["low_superuser", "section_editor"])
def test_no_admin_action_on_a_page_above_the_clearance(who, request, page_at, verified_client):
    """O12 科学技术保密规定 第十八条 (知悉范围): a 机密 page is neither edited, published, unpublished nor deleted,
    nor has a page added under it, by someone who may not read it, whatever their admin rights."""
    user = request.getfixturevalue(who)
    secret = page_at(clearance=Clearance.CONFIDENTIAL, title="星河项目技术方案", kind="section")
    readable = page_at(title="公开通知")
    client = verified_client(user)

    tester = secret.permissions_for_user(client.get("/").wsgi_request.user)
    assert not any(getattr(tester, action)() for action in ("can_edit", "can_delete", "can_unpublish", "can_publish"))
    assert not tester.can_add_subpage() and not tester.can_copy() and not tester.can_move()

    add_url = f"/admin/pages/add/home/articlepage/{secret.pk}/"
    assert_denied(client.get(add_url))
    response = client.post(add_url, {"title": "夹带的文章", "slug": "jiadai", "action-publish": "1"})
    assert_denied(response)
    assert not PortalPage.objects.filter(slug="jiadai").exists()

    for action in ("unpublish", "delete", "publish", "move"):
        response = client.get(f"{BULK}/{action}/?id={secret.pk}&id={readable.pk}")
        assert_denied(response)
        assert "星河项目技术方案" not in response.content.decode()
    assert_denied(client.post(f"{BULK}/unpublish/?id={secret.pk}", {"include_descendants": ""}))
    assert_denied(client.post(f"{BULK}/delete/?id={secret.pk}"))
    secret.refresh_from_db()
    assert secret.live

    # What they may read stays theirs to act on.
    assert client.get(f"{BULK}/unpublish/?id={readable.pk}").status_code == 200


def test_select_all_in_a_listing_with_a_hidden_child_is_refused(low_superuser, home, page_at, verified_client):
    """知悉范围: "select all" in the page explorer would list every child on the confirmation page."""
    section = page_at(kind="section", title="研发中心")
    page_at(section, title="公开通知")
    client = verified_client(low_superuser)
    assert client.get(f"{BULK}/unpublish/?id=all&childOf={section.pk}").status_code == 200
    page_at(section, clearance=Clearance.SECRET, title="秘密型号通知")
    response = client.get(f"{BULK}/unpublish/?id=all&childOf={section.pk}")
    assert_denied(response)
    assert "秘密型号通知" not in response.content.decode()


def test_bulk_actions_on_documents_above_the_clearance_are_refused(low_superuser, verified_client):
    """The documents listing hides a 机密 file; its bulk action pages must not name it either."""
    secret = make_document(Clearance.CONFIDENTIAL, title="机密规格书")
    response = verified_client(low_superuser).get(f"/admin/bulk/portal/securedocument/delete/?id={secret.pk}")
    assert_denied(response)
    assert "机密规格书" not in response.content.decode()


@pytest.mark.parametrize("padded", ["%20{pk}", "{pk}%20", "%2B{pk}"])
def test_bulk_ids_are_read_as_the_view_reads_them(padded, low_superuser, page_at, verified_client):
    """An id with a space or a plus sign still names the item to Wagtail; it must not slip past the check."""
    secret = page_at(clearance=Clearance.SECRET, title="秘密型号通知")
    document = make_document(Clearance.CONFIDENTIAL, title="机密规格书")
    client = verified_client(low_superuser)
    for url, title in (
        (f"{BULK}/delete/?id={padded.format(pk=secret.pk)}", "秘密型号通知"),
        (f"/admin/bulk/portal/securedocument/delete/?id={padded.format(pk=document.pk)}", "机密规格书"),
    ):
        response = client.get(url)
        assert_denied(response)
        assert title not in response.content.decode()


def test_workflow_views_of_a_page_above_the_clearance_are_refused(low_superuser, page_at, verified_client):
    """The workflow preview and action URLs carry the page id after a prefix; they are checked like the others."""
    secret = page_at(clearance=Clearance.SECRET, title="秘密型号通知")
    client = verified_client(low_superuser)
    for url in (
        f"/admin/pages/workflow/preview/{secret.pk}/1/",
        f"/admin/pages/workflow/action/{secret.pk}/approve/1/",
        f"/admin/pages/workflow/collect_action_data/{secret.pk}/approve/1/",
        f"/admin/pages/workflow/confirm_cancellation/{secret.pk}/",
    ):
        response = client.get(url)
        assert_denied(response)
        assert "秘密型号通知" not in response.content.decode()


def test_a_readable_page_is_not_moved_or_copied_under_an_unreadable_one(low_superuser, page_at, verified_client):
    """知悉范围: a superuser below the section's clearance neither moves nor copies a page into it."""
    secret_section = page_at(kind="section", clearance=Clearance.SECRET, title="生产管理")
    notice = page_at(title="公开通知")
    client = verified_client(low_superuser)
    user = client.get("/").wsgi_request.user
    tester = notice.permissions_for_user(user)
    assert not tester.can_move_to(secret_section) and not tester.can_copy_to(secret_section)

    assert_denied(client.get(f"/admin/pages/{notice.pk}/move/{secret_section.pk}/confirm/"))
    assert_denied(client.post(f"/admin/pages/{notice.pk}/move/{secret_section.pk}/confirm/"))
    for parent in (str(secret_section.pk), f"+{secret_section.pk}"):
        response = client.post(
            f"/admin/pages/{notice.pk}/copy/",
            {"new_title": "复制的通知", "new_slug": "fuzhi", "new_parent_page": parent},
        )
        assert_denied(response)
    notice.refresh_from_db()
    assert notice.get_parent().pk != secret_section.pk
    assert not PortalPage.objects.filter(slug="fuzhi").exists()


def test_the_dashboard_names_no_page_above_the_clearance(low_superuser, home, page_at, verified_client):
    """Wagtail's "awaiting your review" panel and the page count leave out a 秘密 page in moderation."""
    from wagtail.admin.site_summary import PagesSummaryItem

    from portal.admin_dashboard import ReadablePagesSummaryItem

    readable = page_at(title="公开通知")
    secret = page_at(clearance=Clearance.SECRET, title="秘密型号通知")
    for page in (readable, secret):
        page.save_revision(user=low_superuser)
        page.get_workflow().start(page, low_superuser)
    client = verified_client(low_superuser)
    response = client.get("/admin/")
    html = response.content.decode()
    assert "公开通知" in html and "秘密型号通知" not in html
    wagtail_count = PagesSummaryItem(response.wsgi_request).get_context_data({})["total_pages"]
    count = ReadablePagesSummaryItem(response.wsgi_request).get_context_data({})["total_pages"]
    assert count == wagtail_count - 1  # the 秘密 page


def test_a_section_form_does_not_name_a_default_page_above_the_clearance(low_superuser, page_at, verified_client, home):
    """A readable section whose default page is 秘密: its edit form shows the choice without the title."""
    from home.models import SectionIndexPage

    section = page_at(kind="section", title="研发中心")
    secret = page_at(section, clearance=Clearance.SECRET, title="秘密型号通知")
    SectionIndexPage.objects.filter(pk=section.pk).update(default_page=secret)
    html = verified_client(low_superuser).get(f"/admin/pages/{section.pk}/edit/").content.decode()
    assert "研发中心" in html and "秘密型号通知" not in html


def test_closed_admin_listings_stay_closed(low_superuser, verified_client):
    """The page types report and the admin API's document and image listings have no clearance filter."""
    make_document(Clearance.CONFIDENTIAL, title="机密规格书")
    client = verified_client(low_superuser)
    for url in (
        "/admin/reports/page-types-usage/",
        "/admin/reports/page-types-usage/results/",
        "/admin/api/main/documents/",
        "/admin/api/main/images/",
    ):
        response = client.get(url)
        assert_denied(response)
        assert "机密规格书" not in response.content.decode()


def test_the_audit_log_names_restricted_items_by_type_and_id(low_superuser, page_at, verified_client, department):
    """Security invariant (no classified title in logs): Wagtail stores an item's title as the label of each log
    entry and lists labels in the site history to anyone with a permission on the model."""
    from wagtail.log_actions import log
    from wagtail.models import ModelLogEntry, PageLogEntry

    secret_page = page_at(clearance=Clearance.SECRET, title="秘密型号通知")
    scoped_page = page_at(scope=[department("研发部").group], title="研发部内部安排")
    open_page = page_at(title="公开通知")
    document = make_document(Clearance.CONFIDENTIAL, title="机密规格书")
    log(instance=document, action="wagtail.edit", user=low_superuser)

    labels = set(PageLogEntry.objects.values_list("label", flat=True))
    assert "公开通知" in labels
    assert not {"秘密型号通知", "研发部内部安排"} & labels
    assert f"#{secret_page.pk}" in " ".join(labels) and f"#{scoped_page.pk}" in " ".join(labels)
    document_labels = ModelLogEntry.objects.for_instance(document).values_list("label", flat=True)
    assert document_labels and all(label.endswith(f"#{document.pk}") for label in document_labels)
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        html = verified_client(low_superuser).get(url).content.decode()
        assert "机密规格书" not in html and "秘密型号通知" not in html, url
    assert open_page.title in verified_client(low_superuser).get("/admin/reports/site-history/").content.decode()


def test_log_data_names_restricted_pages_by_type_and_id(page_at):
    """Security invariant (no classified title in logs): a move's destination and a rename's old and new titles are
    stored in the log entry's data too."""
    from wagtail.models import PageLogEntry

    secret_section = page_at(kind="section", clearance=Clearance.SECRET, title="机密研发区")
    open_section = page_at(kind="section", title="公开栏目")
    notice = page_at(open_section, title="公开通知")
    notice.move(secret_section, pos="last-child")
    moved = PageLogEntry.objects.filter(page_id=notice.pk, action__in=["wagtail.move", "wagtail.reorder"]).get()
    assert moved.data["destination"]["title"].endswith(f"#{secret_section.pk}")
    assert moved.data["source"]["title"] == "公开栏目"  # an unrestricted page keeps its name

    secret = page_at(clearance=Clearance.SECRET, title="秘密旧标题")
    secret.title = "秘密新标题"
    secret.save_revision().publish()
    stored = str(list(PageLogEntry.objects.filter(page_id=secret.pk).values_list("label", "data")))
    assert "秘密旧标题" not in stored and "秘密新标题" not in stored
    assert "机密研发区" not in str(list(PageLogEntry.objects.values_list("label", "data")))
