"""The 保密 thesaurus is edited in the admin and applies to the next search without re-indexing."""

import pytest
from django.contrib.auth.models import Permission

from portal.enums import Clearance
from search.models import ThesaurusEntry
from search.selectors import search_for

pytestmark = pytest.mark.django_db


def test_an_entry_added_in_the_admin_expands_the_next_search(page_at, indexed, user_with, verified_client):
    page = indexed(page_at, title="移动存储介质登记制度")
    reader = user_with(Clearance.INTERNAL)
    reader.is_verified = lambda: True
    assert search_for(user=reader, query="小硬盘")[0].total == 0

    editor = user_with(Clearance.INTERNAL, is_staff=True)
    editor.user_permissions.add(
        Permission.objects.get(codename="access_admin"), *Permission.objects.filter(codename__endswith="thesaurusentry")
    )
    response = verified_client(editor).post(
        "/admin/search_thesaurus/new/", {"term": "小硬盘", "synonyms": "移动存储介质", "weight": "0.8", "note": ""}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    results, _plan = search_for(user=reader, query="小硬盘")
    assert [hit.key for hit in results.hits] == [f"page:{page.pk}"]


def test_the_thesaurus_admin_is_closed_to_staff_without_the_permission(user_with, verified_client):
    client = verified_client(user_with(Clearance.TOP_SECRET))
    response = client.post("/admin/search_thesaurus/new/", {"term": "跳槽x", "synonyms": "离职", "weight": "0.8"})
    assert response.status_code in (302, 403)
    assert not ThesaurusEntry.objects.filter(term="跳槽x").exists()


def test_the_seeded_thesaurus_is_general_vocabulary():
    """The seed maps everyday words to the regulations' terms; it is data 保密办 can edit, not code."""
    entries = dict(ThesaurusEntry.objects.values_list("term", "synonyms"))
    assert len(entries) >= 60
    assert "离职" in entries["跳槽"] and "复制" in entries["拷贝"]
