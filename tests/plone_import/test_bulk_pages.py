"""New pages are written in batches: they must be the very pages one-by-one creation makes, and behave like them."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import PageLogEntry, ReferenceIndex, Revision

from home.models import SectionIndexPage
from plone_import.mapping import load_mapping
from plone_import.models import PloneItem
from plone_import.services import PloneImport
from portal.models import PortalPage, SecureDocument

from .conftest import SAMPLE, item_at

PAGE_FIELDS = [
    "title",
    "draft_title",
    "depth",
    "numchild",
    "live",
    "has_unpublished_changes",
    "expired",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    "go_live_at",
    "expire_at",
    "owner_id",
    "show_in_menus",
    "search_description",
    "locked",
    "content_type_id",
    "locale_id",
    "clearance",
    "secrecy_term",
    "classification_basis",
    "effective_clearance",
    "effective_scope",
]
SPECIFIC_FIELDS = [
    "description",
    "creators",
    "rights",
    "date",
    "image_caption",
    "start",
    "end",
    "whole_day",
    "location",
    "contact_email",
    "attendees",
    "event_url",
    "link_url",
]


def section(home, slug):
    page = SectionIndexPage(title=slug, slug=slug)
    home.add_child(instance=page)
    page.save_revision().publish()
    return PortalPage.objects.get(pk=page.pk)


def import_under(parent, *, bulk, mapping_file=None):
    mapping = load_mapping(mapping_file)
    mapping.parent = str(parent.pk)
    result = PloneImport(directory=SAMPLE, mapping=mapping, bulk=bulk).execute()
    assert not result.errors, [str(p) for p in result.errors]
    return dict(PloneItem.objects.filter(page__isnull=False).exclude(kind="root").values_list("path", "page_id"))


def blocks(page, pages_by_id):
    """A body's blocks without their random ids; links name their target page by its Plone path."""
    if not hasattr(page, "body"):
        return None

    def target(match):
        return f'id="{pages_by_id.get(int(match.group(1)), "(not a page)")}"'

    return [
        (b["type"], re.sub(r'id="(\d+)"', target, re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "", str(b["value"]))))
        for b in page.body.raw_data
    ]


def at(moment, started):
    """Times of the run itself (a default page set, a publication) differ between runs: only their kind counts."""
    return "(during the run)" if moment is not None and moment >= started else moment


def described(page_id, pages_by_id, parent, started):
    """Everything a reader, an editor or the access rules see of a page, with ids replaced by Plone paths."""
    page = PortalPage.objects.get(pk=page_id).specific
    row = {name: getattr(page, name) for name in PAGE_FIELDS}
    for name in ("first_published_at", "last_published_at", "latest_revision_created_at"):
        row[name] = at(row[name], started)
    row.update({name: getattr(page, name) for name in SPECIFIC_FIELDS if hasattr(page, name)})
    row["parent"] = pages_by_id.get(page.get_parent().pk, "(import parent)" if page.get_parent() == parent else None)
    row["slug"] = "(neutral)" if page.slug.startswith("m-") else page.slug
    row["url_path"] = page.url_path[len(parent.url_path) :] if not page.slug.startswith("m-") else "(neutral)"
    row["siblings_before"] = sorted(
        pages_by_id.get(p) for p in page.get_prev_siblings().values_list("pk", flat=True) if p in pages_by_id
    )
    row["body"] = blocks(page, pages_by_id)
    row["tags"] = sorted(page.tags.names()) if hasattr(page, "tags") else None
    row["scope"] = sorted(page.scope.values_list("name", flat=True))
    row["lead_image"] = getattr(page, "image", None) is not None
    row["link_page"] = pages_by_id.get(getattr(page, "link_page_id", None))
    row["default_page"] = pages_by_id.get(getattr(page, "default_page_id", None))
    revisions = list(Revision.page_revisions.filter(object_id=str(page.pk)).order_by("pk"))
    row["revisions"] = [(r.user_id, at(r.created_at, started), r.approved_go_live_at) for r in revisions]
    row["latest_is_live"] = page.live_revision_id == page.latest_revision_id if page.live else None
    row["latest_revision"] = page.latest_revision_id == (revisions[-1].pk if revisions else None)
    state = page.current_workflow_state
    row["workflow"] = (state.status, state.requested_by_id) if state else None
    row["log"] = sorted(
        (e.action, e.user_id, e.label.replace(f"#{page.pk}", "#<page>"))  # a restricted page's label is its id
        for e in PageLogEntry.objects.filter(page_id=page.pk)
        if e.action != "wagtail.publish"
    )
    # Restored from the revision, as the editor opens it: the same content as the live row.
    draft = page.get_latest_revision_as_object()
    row["revision_title"] = draft.title
    row["revision_body"] = blocks(draft, pages_by_id)
    return row


CLASSIFYING_RULES = """
[[rules]]
path = "/xuanchuan"
clearance = 1
secrecy_term = "5年"
classification_basis = "本院保密事项一览表 第3项"

[[rules]]
path = "/guizhang/bumen"
scope = ["baomiban"]
"""


@pytest.mark.django_db
@pytest.mark.parametrize("rules", ["", CLASSIFYING_RULES], ids=["default mapping", "classifying rules"])
def test_batched_pages_are_the_pages_one_by_one_creation_makes(home, tmp_path, rules):
    """Also under rules that classify a folder: its subtree gets neutral slugs and url_paths built from them."""
    mapping_file = None
    if rules:
        mapping_file = tmp_path / "mapping.toml"
        mapping_file.write_text(rules, encoding="utf-8")
    one_by_one_parent, batched_parent = section(home, "one-by-one"), section(home, "batched")
    started = timezone.now()
    one_by_one = import_under(one_by_one_parent, bulk=False, mapping_file=mapping_file)
    PloneItem.objects.all().delete()  # the second run must create, not update
    batched = import_under(batched_parent, bulk=True, mapping_file=mapping_file)
    assert set(batched) == set(one_by_one) and len(batched) > 15

    by_id_one = {pk: path for path, pk in one_by_one.items()}
    by_id_batched = {pk: path for path, pk in batched.items()}
    for path in sorted(one_by_one):
        expected = described(one_by_one[path], by_id_one, one_by_one_parent, started)
        actual = described(batched[path], by_id_batched, batched_parent, started)
        assert actual == expected, (path, {k: (actual[k], expected[k]) for k in actual if actual[k] != expected[k]})
        page = PortalPage.objects.get(pk=batched[path])
        assert page.url_path == f"{page.get_parent().url_path}{page.slug}/"
        if page.effective_clearance >= 1:
            assert page.slug == f"m-{page.translation_key.hex[:12]}"
    if rules:
        assert PortalPage.objects.filter(pk__in=batched.values(), slug__startswith="m-").count() >= 3
    assert PortalPage.find_problems() == ([], [], [], [], [])


def test_batched_tree_is_consistent_and_answers_at_its_urls(imported, home, client):
    assert PortalPage.find_problems() == ([], [], [], [], [])
    # numchild and depth as treebeard would count them
    for page in PortalPage.objects.descendant_of(home):
        assert page.numchild == page.get_children().count()
        assert page.depth == len(page.path) // PortalPage.steplen
    # A page every member may read is served at its url_path (OTP-less clients are sent to log in, not 404)
    page = PloneItem.objects.get(path="/guizhang/guizhang-shuoming").page
    assert client.get(page.url).status_code in (302, 200)
    assert PortalPage.objects.get(url_path=page.url_path).pk == page.pk


def test_imported_pages_open_and_publish_in_the_admin(imported, user_with, verified_client):
    admin = user_with(clearance=3)
    admin.is_superuser = True
    admin.save()
    client = verified_client(admin)
    live = PloneItem.objects.get(path="/guizhang/jishu-baomi-guanli-banfa").page.specific
    draft = PloneItem.objects.get(path="/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu").page.specific
    for page in (live, draft):
        admin.groups.add(*page.scope.all())  # the need-to-know scope binds administrators too
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200
        assert page.title in response.content.decode()
    # An editor's next revision publishes over the imported one.
    edited = live.get_latest_revision_as_object()
    edited.title = "技术秘密保护管理办法（修订）"
    edited.save_revision(user=admin).publish(user=admin)
    live.refresh_from_db()
    assert live.title == "技术秘密保护管理办法（修订）"
    assert live.live_revision_id == live.latest_revision_id
    assert Revision.page_revisions.filter(object_id=str(live.pk)).count() == 2
    assert PortalPage.find_problems() == ([], [], [], [], [])


def test_a_write_failure_in_a_batch_imports_the_others_one_by_one(run_import, variant):
    """A lead image that turns out unreadable while its batch is written: the batch is retried item by item."""

    def mutate(data):
        item_at(data, "/xuanchuan/baomi-xuanchuanyue-2026")["image"]["data"] = "bm90IGFuIGltYWdl"

    result = run_import(directory=variant(mutate))
    assert [p.where for p in result.errors] == ["/xuanchuan/baomi-xuanchuanyue-2026"]
    paths = set(PloneItem.objects.values_list("path", flat=True))
    assert "/xuanchuan/baomi-xuanchuanyue-2026" not in paths
    assert "/xuanchuan/baomi-jiangzuo-2026" in paths
    # Every other page exists once, with its record, and warnings are not repeated by the retry.
    assert PortalPage.objects.filter(slug="baomi-jiangzuo-2026").count() == 1
    collection_warnings = [p for p in result.problems if "查询未转换" in p.message]
    assert len(collection_warnings) == 1
    assert PortalPage.find_problems() == ([], [], [], [], [])
    assert get_user_model().objects.filter(username="zhangwei").count() == 1


def test_reference_index_holds_what_wagtail_records(imported):
    """Usage listings in the admin ("used by") read Wagtail's reference index: the import fills it in bulk."""
    records = PloneItem.objects.exclude(kind="root")
    objects = [r.page.specific for r in records if r.page_id] + [r.document for r in records if r.document_id]

    def rows():
        return set(
            ReferenceIndex.objects.values_list(
                "content_type", "base_content_type", "object_id", "to_content_type", "to_object_id", "content_path"
            )
        )

    before = rows()
    assert any(row[3] == ContentType.objects.get_for_model(SecureDocument).pk for row in before)
    for obj in objects:
        ReferenceIndex.create_or_update_for_object(obj)
    assert rows() == before
