"""Search never reveals what the reader may not open: hits, totals, facets, snippets, suggestions and the API.

Every test searches as real users through the HTTP surface (or the selector it uses) with the index built by the
same on-commit tasks a publish runs.
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client

from portal.access import can_view
from portal.enums import Clearance
from portal.models import SecureDocument
from search.models import SearchUnit

pytestmark = pytest.mark.django_db

WORD = "涉密载体"


def make_document(clearance, scope=(), text=f"关于{WORD}的登记要求"):
    document = SecureDocument(
        title=f"{WORD}登记表{clearance}",
        clearance=clearance,
        secrecy_term="5年" if clearance else "",
        classification_basis="测试定密依据" if clearance else "",
    )
    document.file.save("register.txt", ContentFile(text.encode()), save=False)
    document.save()
    document.scope.set(scope)
    return document


@pytest.fixture
def corpus(page_at, indexed):
    """One item per level, one scoped to a group, one document per level; all mention the same word."""
    group = Group.objects.create(name="项目组A")

    def build():
        items = {level: page_at(clearance=level, title=f"{WORD}管理{level}") for level in Clearance.values}
        items["scoped"] = page_at(clearance=Clearance.INTERNAL, scope=[group], title=f"{WORD}项目组通知")
        documents = {level: make_document(level) for level in (Clearance.INTERNAL, Clearance.CONFIDENTIAL)}
        documents["scoped"] = make_document(Clearance.INTERNAL, scope=[group])
        return items, documents

    items, documents = indexed(build)
    return group, items, documents


def visible_keys(user, items, documents):
    keys = {f"page:{page.pk}" for page in items.values() if can_view_fresh(user, page)}
    keys |= {f"document:{doc.pk}" for doc in documents.values() if can_view_fresh(user, doc)}
    return keys


def can_view_fresh(user, obj):
    obj.refresh_from_db()
    user._portal_viewer = None
    user.is_verified = lambda: True
    return can_view(user, obj)


def api(client, **params):
    response = client.get("/search/api/", params)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    return json.loads(response.content)


@pytest.mark.parametrize(
    ("clearance", "in_group"),
    [
        (Clearance.INTERNAL, False),
        (Clearance.SECRET, False),
        (Clearance.TOP_SECRET, False),
        (Clearance.TOP_SECRET, True),
    ],
)
def test_hits_totals_facets_and_suggestions_only_show_what_the_reader_may_open(
    corpus, user_with, verified_client, clearance, in_group
):
    """O10 科学技术保密规定 第十条 / O21 深圳条例 第十二条(一): every search surface is filtered by 密级 and scope."""
    group, items, documents = corpus
    user = user_with(clearance)
    if in_group:
        user.groups.add(group)
    expected = visible_keys(user, items, documents)
    client = verified_client(user)

    data = api(client, q=WORD)
    assert {hit["id"] for hit in data["hits"]} == expected
    assert data["total"] == len(expected)

    page = client.get("/search/", {"q": WORD})
    assert page.status_code == 200
    assert page.context["results"].total == len(expected)
    facet_total = sum(count for _kind, count in page.context["results"].facets["kind"])
    assert facet_total == len(expected)
    html = page.content.decode()
    for key in {f"page:{p.pk}" for p in items.values()} - expected:
        hidden = next(p for p in items.values() if f"page:{p.pk}" == key)
        assert hidden.title not in html

    titles = json.loads(client.get("/search/suggest/", {"q": WORD}).content)["suggestions"]
    allowed_titles = {unit.title for unit in SearchUnit.objects.filter(key__in=expected)}
    assert set(titles) <= allowed_titles
    assert len(titles) == min(len(allowed_titles), 8)


def test_a_facet_filter_cannot_reach_past_the_access_filter(corpus, user_with, verified_client):
    """Filtering by type or year counts only what the reader may open, so totals reveal nothing hidden."""
    _group, _items, documents = corpus
    client = verified_client(user_with(Clearance.INTERNAL))
    data = api(client, q=WORD, type="document")
    assert {hit["id"] for hit in data["hits"]} == {f"document:{documents[Clearance.INTERNAL].pk}"}
    assert data["total"] == 1


def test_search_requires_a_verified_second_factor(corpus, user_with):
    """No surface bypasses OTP: a password-only session gets no results, totals or suggestions."""
    user = user_with(Clearance.TOP_SECRET)
    client = Client()
    client.force_login(user)
    for url in ("/search/", "/search/api/", "/search/suggest/"):
        response = client.get(url, {"q": WORD})
        assert response.status_code in (302, 403)
        assert WORD.encode() not in response.content
    anonymous = Client().get("/search/api/", {"q": WORD})
    assert anonymous.status_code in (302, 403)


def test_raising_a_clearance_removes_the_hit_once_committed(page_at, indexed, user_with, verified_client):
    """O17 科学技术保密规定 第二十条: a reader who loses access gets 0 hits and a 0 count as soon as it commits."""
    page = indexed(page_at, title=f"{WORD}变更测试")
    client = verified_client(user_with(Clearance.INTERNAL))
    assert api(client, q="变更测试")["total"] == 1

    def reclassify():
        page.clearance = Clearance.SECRET
        page.secrecy_term = "10年"
        page.classification_basis = "测试定密依据"
        page.save_revision().publish()

    indexed(reclassify)
    assert api(client, q="变更测试")["total"] == 0


def test_a_parent_section_raised_hides_its_whole_subtree(page_at, indexed, user_with, verified_client):
    section = indexed(page_at, kind="section", title="项目资料")
    child = indexed(page_at, section, title=f"{WORD}子页面")
    client = verified_client(user_with(Clearance.INTERNAL))
    assert [hit["id"] for hit in api(client, q="子页面")["hits"]] == [f"page:{child.pk}"]

    def raise_section():
        section.clearance = Clearance.CONFIDENTIAL
        section.secrecy_term = "10年"
        section.classification_basis = "测试定密依据"
        section.save_revision().publish()

    indexed(raise_section)
    assert api(client, q="子页面")["total"] == 0


def test_a_scope_added_to_a_document_later_narrows_its_hits(user_with, verified_client, indexed):
    """The 知悉范围 set after upload (a second save in the admin) re-indexes the document."""
    document = indexed(make_document, Clearance.INTERNAL)
    outsider = verified_client(user_with(Clearance.TOP_SECRET))
    assert api(outsider, q=WORD, type="document")["total"] == 1
    group = Group.objects.create(name="项目组B")
    indexed(document.scope.set, [group])
    assert api(outsider, q=WORD, type="document")["total"] == 0


def test_classified_hits_are_audited_without_the_query(corpus, user_with, verified_client):
    from portal.models import ReadAuditEntry

    _group, items, _documents = corpus
    user = user_with(Clearance.TOP_SECRET)
    api(verified_client(user), q=WORD)
    entries = ReadAuditEntry.objects.filter(user=user, action="search")
    assert {entry.object_id for entry in entries} >= {str(items[Clearance.TOP_SECRET].pk)}
    assert all(WORD not in str(entry.__dict__) for entry in entries)
