"""search_indexing_deferred(): bulk writers index each changed page and document once, when the block exits."""

from django.core.files.base import ContentFile

import search.services.indexing as indexing
from home.models import ContentPage
from portal.models import SecureDocument
from search.models import SearchUnit
from search.signal_handlers import search_indexing_deferred


def _calls(monkeypatch):
    """Count the index writes per page and document (the real writes still run)."""
    calls = {"page": [], "document": []}
    page_index, document_index = indexing.page_index, indexing.document_index

    def counted_page(page_id):
        calls["page"].append(page_id)
        return page_index(page_id)

    def counted_document(document_id):
        calls["document"].append(document_id)
        return document_index(document_id)

    monkeypatch.setattr(indexing, "page_index", counted_page)
    monkeypatch.setattr(indexing, "document_index", counted_document)
    return calls


def _page(home, slug):
    page = ContentPage(title=f"保密检查通知 {slug}", slug=slug)
    home.add_child(instance=page)
    return page


def test_inside_the_block_each_page_and_document_is_indexed_once_at_the_end(
    home, monkeypatch, django_capture_on_commit_callbacks
):
    calls = _calls(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True), search_indexing_deferred() as collector:
        first, second = _page(home, "a"), _page(home, "b")
        for _ in range(3):
            first.save_revision().publish()
        second.save_revision().publish()
        document = SecureDocument(title="保密协议", file=ContentFile(b"text", name="xieyi.txt"))
        document.save()
        document.save()
        assert not calls["page"] and not calls["document"]
        assert not SearchUnit.objects.filter(page_id=first.pk).exists()
        assert collector.pages == {first.pk, second.pk}
    assert sorted(calls["page"]) == sorted([first.pk, second.pk])
    assert calls["document"] == [document.pk]
    assert SearchUnit.objects.filter(page_id=first.pk).count() == 1
    assert SearchUnit.objects.filter(document_id=document.pk).exists()


def test_a_moved_subtree_is_indexed_once_and_covers_its_pages(home, monkeypatch, django_capture_on_commit_callbacks):
    section, other = _page(home, "s"), _page(home, "t")
    child = ContentPage(title="下级页面", slug="c")
    section.add_child(instance=child)
    for page in (section, other, child):
        page.save_revision().publish()
    calls = _calls(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True), search_indexing_deferred():
        child.save_revision().publish()
        section.refresh_from_db()
        section.move(other, pos="last-child")
        with search_indexing_deferred() as inner:  # nested blocks share the outer collector
            inner.pages.add(child.pk)
    # The subtree task indexes section and child; child is not indexed a second time on its own.
    assert sorted(calls["page"]) == sorted([section.pk, child.pk])


def test_outside_the_block_the_receivers_index_on_each_commit(home, monkeypatch, django_capture_on_commit_callbacks):
    calls = _calls(monkeypatch)
    page = _page(home, "d")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert calls["page"] == [page.pk, page.pk]
    assert SearchUnit.objects.filter(page_id=page.pk).count() == 1
