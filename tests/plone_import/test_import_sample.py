"""Import of the sample export into an empty portal: every item, in place, with its text, dates and bytes."""

import base64
import hashlib

import pytest
from django.contrib.auth import get_user_model

from home.models import ContentPage, EventPage, LinkPage, NewsPage, PageRelation, SectionIndexPage
from plone_import.export import parse_date
from plone_import.models import PloneItem
from portal.models import PortalPage

from .conftest import sample_json

ITEMS = {item["UID"]: item for item in sample_json("content.json")}
ROOT_URL = "https://intranet.yjy.example.org"
TYPES = {
    "Folder": SectionIndexPage,
    "Collection": SectionIndexPage,
    "Document": ContentPage,
    "News Item": NewsPage,
    "Event": EventPage,
    "Link": LinkPage,
}


def path_of(item):
    return item["@id"][len(ROOT_URL) :]


def record_for(path):
    return PloneItem.objects.get(path=path)


def blob_bytes(item, key):
    return base64.b64decode(item[key]["data"])


@pytest.fixture
def by_path(imported):
    return {record.path: record for record in PloneItem.objects.all()}


def test_every_item_arrives_with_its_type_and_parent(imported, by_path, home):
    for uid, item in ITEMS.items():
        record = by_path[path_of(item) or "/"]
        assert record.uid == uid
        if item["@type"] == "Plone Site":
            assert record.page_id == home.pk
            continue
        if item["@type"] == "File":
            assert record.document is not None
            continue
        if item["@type"] == "Image":
            assert record.image is not None
            continue
        page = record.page.specific
        assert type(page) is TYPES[item["@type"]]
        parent_record = PloneItem.objects.get(uid=item["parent"]["UID"])
        assert page.get_parent().pk == parent_record.page_id
        assert page.title == item["title"]
        assert page.slug == item["id"]
    assert (
        PortalPage.objects.descendant_of(home).count() == 17
    )  # 5 folders, 6 documents, 2 news, event, 2 links, collection


def test_siblings_keep_plone_order(imported, home):
    def children(path):
        page = home if path == "/" else record_for(path).page
        return [p.slug for p in PortalPage.objects.child_of(page).order_by("path")]

    assert children("/") == ["guizhang", "xuanchuan", "xiazai", "guojia-baomiju"]
    assert children("/guizhang") == [
        "guizhang-shuoming",
        "kexue-jishu-baomi-guiding-zongze",
        "miji-he-fanwei",
        "jishu-baomi-guanli-banfa",
        "bumen",
    ]
    assert children("/guizhang/bumen") == ["jishu-ziliao-baomi-xize", "rnd"]
    assert children("/xuanchuan") == [
        "baomi-jiangzuo-2026",
        "baomi-xuanchuanyue-2026",
        "yanfa-baomi-jiancha",
        "zuixin-guizhang",
        "xiazai-xieyi-moban",
    ]


def test_files_and_images_keep_their_bytes_type_and_name(imported):
    for item in ITEMS.values():
        if item["@type"] == "File":
            document = record_for(path_of(item)).document
            with document.open_file() as f:
                assert hashlib.sha256(f.read()).hexdigest() == hashlib.sha256(blob_bytes(item, "file")).hexdigest()
            assert document.filename == item["file"]["filename"]
            assert document.title == item["title"]
        if item["@type"] == "Image":
            image = record_for(path_of(item)).image
            with image.open_file() as f:
                assert hashlib.sha256(f.read()).hexdigest() == hashlib.sha256(blob_bytes(item, "image")).hexdigest()
            assert image.title == item["title"]
    assert record_for("/xiazai/baomi-xieyi-moban.txt").document.filename == "保密协议模板.txt"
    haibao = record_for("/xiazai/baomi-xuanchuan-haibao.png").image
    assert (haibao.width, haibao.height) == (320, 200)
    assert (
        record_for("/xiazai/miji-biaozhi.png").image.width,
        record_for("/xiazai/miji-biaozhi.png").image.height,
    ) == (
        240,
        80,
    )
    news = record_for("/xuanchuan/baomi-xuanchuanyue-2026")
    lead = ITEMS[news.uid]
    with news.lead_image.open_file() as f:
        assert f.read() == blob_bytes(lead, "image")
    page = news.page.specific
    assert page.image_id == news.lead_image_id
    assert page.image_caption == "保密宣传月题图"


def test_states_become_live_draft_scheduled_or_moderation(imported):
    def page(path):
        return record_for(path).page.specific

    for path in ["/guizhang", "/guizhang/guizhang-shuoming", "/guizhang/kexue-jishu-baomi-guiding-zongze"]:
        assert page(path).live
    internal = page("/guizhang/jishu-baomi-guanli-banfa")
    assert internal.live  # internally_published
    private = page("/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu")
    assert not private.live
    pending = page("/guizhang/bumen/jishu-ziliao-baomi-xize")
    assert not pending.live
    state = pending.current_workflow_state
    assert state is not None and state.status == state.STATUS_IN_PROGRESS
    assert state.requested_by.username == "zhangwei"
    news_pending = page("/xuanchuan/yanfa-baomi-jiancha")
    assert not news_pending.live and news_pending.current_workflow_state is not None
    # A future effective date is a scheduled publication; expiry is kept.
    future = page("/guizhang/miji-he-fanwei")
    effective = parse_date(ITEMS[future.pk and record_for("/guizhang/miji-he-fanwei").uid]["effective"])
    assert future.expire_at == parse_date("2027-12-31T15:59:00+00:00")
    from django.utils import timezone

    if effective > timezone.now():
        assert future.go_live_at == effective
        assert not future.live
        assert future.latest_revision.approved_go_live_at == effective
    else:
        # Once the date has passed, the page is simply published.
        assert future.go_live_at is None
        assert future.live


def test_dates_titles_descriptions_tags_and_creators(imported):
    banfa = record_for("/guizhang/jishu-baomi-guanli-banfa")
    page = banfa.page.specific
    assert page.first_published_at == parse_date("2026-11-20T02:00:00+00:00")
    assert page.description == "公司技术研发与使用过程中的技术秘密保护与管理办法"
    assert page.search_description == page.description
    assert sorted(page.tags.names()) == sorted(["技术秘密", "保密协议", "离职管理"])
    assert page.creators == "lina"
    assert page.owner.username == "lina"
    assert banfa.created == parse_date("2026-11-23T09:07:25+00:00")
    assert banfa.modified == parse_date(ITEMS[banfa.uid]["modified"])
    assert page.latest_revision.created_at == banfa.modified
    zongze = record_for("/guizhang/kexue-jishu-baomi-guiding-zongze").page.specific
    assert zongze.rights == "科学技术部、国家保密局"
    assert sorted(zongze.tags.names()) == ["总则", "科学技术保密"]
    tagged = 0
    for item in ITEMS.values():
        if not item.get("subjects"):
            continue
        record = record_for(path_of(item))
        target = record.page.specific if record.page_id else record.target
        assert sorted(target.tags.names()) == sorted(item["subjects"]), item["@id"]
        tagged += 1
    assert tagged == 11
    event = record_for("/xuanchuan/baomi-jiangzuo-2026").page.specific
    assert event.start == parse_date("2026-12-10T06:00:00+00:00")
    assert event.end == parse_date("2026-12-10T08:30:00+00:00")
    assert event.location == "研究院3号楼二层报告厅"
    assert event.contact_name == "李娜" and event.contact_email == "lina@yjy.example.org"
    assert event.attendee_list == ["全体涉密人员", "研发部"]
    news = record_for("/xuanchuan/baomi-xuanchuanyue-2026").page.specific
    assert news.date == parse_date("2026-11-16T01:00:00+00:00")
    assert record_for("/guizhang/guizhang-shuoming").page.show_in_menus is False


def test_rich_text_keeps_structure_and_points_only_at_the_portal(imported):
    shuoming = record_for("/guizhang/guizhang-shuoming").page.specific
    stored = str(shuoming.body.raw_data)
    assert "resolveuid" not in stored and ROOT_URL not in stored
    assert stored.count('linktype="page"') + stored.count('linktype="document"') == 5
    document_id = record_for("/xiazai/baomi-xieyi-moban.txt").document_id
    assert f'<a id="{document_id}" linktype="document">' in stored
    assert 'embedtype="image"' in stored
    assert "<b>保密办</b>" in stored
    fanwei = record_for("/guizhang/miji-he-fanwei").page.specific
    kinds = [block.block_type for block in fanwei.body]
    assert "table" in kinds and "paragraph" in kinds
    table = next(block.value for block in fanwei.body if block.block_type == "table")
    assert len(table["rows"]) > 1
    assert "<ul>" in str(fanwei.body.raw_data)
    xize = record_for("/guizhang/bumen/jishu-ziliao-baomi-xize").page.specific
    raw = str(xize.body.raw_data)
    assert "<h2>" in raw and "<h3>" in raw and "<ol>" in raw
    news = record_for("/xuanchuan/baomi-xuanchuanyue-2026").page.specific
    assert "<blockquote>" in str(news.body.raw_data)


def test_links_relations_and_default_page(imported):
    link = record_for("/xuanchuan/xiazai-xieyi-moban").page.specific
    assert link.link_document_id == record_for("/xiazai/baomi-xieyi-moban.txt").document_id
    external = record_for("/guojia-baomiju").page.specific
    assert external.link_url == "https://www.gjbmj.gov.cn/"
    banfa = record_for("/guizhang/jishu-baomi-guanli-banfa").page_id
    relations = list(PageRelation.objects.filter(page_id=banfa).order_by("sort_order"))
    assert [r.target_page_id for r in relations] == [record_for("/guizhang/miji-he-fanwei").page_id, None]
    assert relations[1].target_document_id == record_for("/xiazai/baomi-xieyi-moban.txt").document_id
    news = record_for("/xuanchuan/baomi-xuanchuanyue-2026").page_id
    assert list(PageRelation.objects.filter(page_id=news).values_list("target_page_id", flat=True)) == [
        record_for("/xuanchuan/baomi-jiangzuo-2026").page_id
    ]
    # Wagtail's reference index knows the links, so "usage" shows where the file is linked from.
    from wagtail.models import ReferenceIndex

    document = record_for("/xiazai/baomi-xieyi-moban.txt").document
    assert (
        ReferenceIndex.get_references_to(document)
        .filter(object_id=str(record_for("/guizhang/guizhang-shuoming").page_id))
        .exists()
    )
    folder = record_for("/guizhang").page.specific
    assert folder.default_page_id == record_for("/guizhang/guizhang-shuoming").page_id
    # The default page is part of the published revision, so a later publish keeps it.
    assert folder.live_revision.as_object().default_page_id == folder.default_page_id


def test_users_and_groups_arrive_without_passwords(imported):
    User = get_user_model()
    members = {m["username"]: m for m in sample_json("members.json")["members"]}
    for username, member in members.items():
        user = User.objects.get(username=username)
        assert user.first_name == member["fullname"]
        assert user.email == member["email"]
        assert not user.has_usable_password()
        assert not user.is_active  # activated by the secrecy office; the first login enrols a second factor
        assert not user.totpdevice_set.exists()
        groups = {g.name for g in user.groups.all()}
        titles = {"yanfa": "研发部", "xuanchuan": "宣传处", "baomiban": "保密办"}
        for gid in member["groups"]:
            assert titles[gid] in groups
    assert User.objects.get(username="lina").groups.filter(name="Moderators").exists()  # global Reviewer
    assert not User.objects.filter(username="admin").exists()


def test_page_tree_is_consistent(imported):
    assert PortalPage.find_problems() == ([], [], [], [], [])


def test_local_editor_and_contributor_roles_become_page_permissions(imported, run_import):
    from wagtail.models import GroupPagePermission

    def perms(path):
        page_id = record_for(path).page_id
        return {
            (p.group.name, p.permission.codename)
            for p in GroupPagePermission.objects.filter(page_id=page_id).select_related("group", "permission")
        }

    assert perms("/guizhang") == {("保密办", "change_portalpage")}
    assert perms("/xuanchuan") == {("宣传处", "add_portalpage"), ("宣传处", "change_portalpage")}
    assert perms("/guizhang/bumen/rnd") == {("plone-user:zhangwei", "add_portalpage")}
    again = run_import()
    assert "page permission set" not in again.counts


def test_imported_text_is_exposed_to_search_through_search_fields(imported):
    """The search indexer reads page text from search_fields: body, description and tags are among them."""
    from wagtail.search import index

    page = record_for("/guizhang/jishu-baomi-guanli-banfa").page.specific
    names = {f.field_name for f in page.get_search_fields() if isinstance(f, index.SearchField)}
    assert {"body", "description", "tag_text"} <= names
    assert "离职管理" in page.tag_text()
    body_text = " ".join(page._meta.get_field("body").get_searchable_content(page.body))
    assert "技术秘密是公司重要的无形资产" in body_text
    table_page = record_for("/guizhang/miji-he-fanwei").page.specific
    assert "绝密" in " ".join(table_page._meta.get_field("body").get_searchable_content(table_page.body))


def test_wagtail_search_index_holds_each_imported_object(imported):
    """The admin search index is updated once per object after the tree, not on every save."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.models import IndexEntry

    for path in ("/guizhang/jishu-baomi-guanli-banfa", "/xiazai/baomi-xieyi-moban.txt", "/xiazai/miji-biaozhi.png"):
        target = record_for(path).target
        target = target.specific if hasattr(target, "specific") else target
        content_type = ContentType.objects.get_for_model(target)
        assert IndexEntry.objects.filter(content_type=content_type, object_id=str(target.pk)).count() == 1, path


def test_wagtail_search_index_holds_tags_and_text(imported):
    """Tags, read in bulk for the admin search index, reach it like the rest of the page's text."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.models import IndexEntry

    page = record_for("/guizhang/jishu-baomi-guanli-banfa").page.specific
    entry = IndexEntry.objects.get(content_type=ContentType.objects.get_for_model(page), object_id=str(page.pk))
    assert "离职管理" in entry.body
    assert "技术秘密" in entry.body
