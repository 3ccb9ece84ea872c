"""search_indexing_deferred(): bulk writers index each changed page and document once, when the block exits, in
batches; outside the block every publish is indexed on its own commit."""

from django.core.files.base import ContentFile

import search.services.indexing as indexing
from home.models import ContentPage
from portal.models import SecureDocument
from search.models import SearchUnit
from search.signal_handlers import search_indexing_deferred


def _calls(monkeypatch):
    """Record each index write: the ids of every batch of pages and documents (the real writes still run)."""
    calls = {"page": [], "document": [], "batches": 0}
    pages_index, documents_index = indexing.pages_index, indexing.documents_index

    def counted_pages(page_ids):
        calls["page"].extend(page_ids)
        calls["batches"] += 1
        return pages_index(page_ids)

    def counted_documents(document_ids):
        calls["document"].extend(document_ids)
        calls["batches"] += 1
        return documents_index(document_ids)

    monkeypatch.setattr(indexing, "pages_index", counted_pages)
    monkeypatch.setattr(indexing, "documents_index", counted_documents)
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
    assert calls["batches"] == 2  # both pages in one batch, the document in another
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


def test_a_large_deferred_block_is_indexed_in_batches_with_every_page_searchable(
    home, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(indexing, "INDEX_BATCH", 4)
    calls = _calls(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True), search_indexing_deferred():
        pages = [_page(home, f"p{n}") for n in range(10)]
        for page in pages:
            page.save_revision().publish()
    assert sorted(calls["page"]) == sorted(page.pk for page in pages)
    assert calls["batches"] == 3  # 4 + 4 + 2
    for page in pages:
        unit = SearchUnit.objects.get(page_id=page.pk)
        assert unit.title == page.title and unit.postings.exists()


def test_a_batch_removes_the_units_of_pages_that_are_no_longer_live(home, django_capture_on_commit_callbacks):
    kept, withdrawn = _page(home, "k"), _page(home, "w")
    with django_capture_on_commit_callbacks(execute=True):
        kept.save_revision().publish()
        withdrawn.save_revision().publish()
    assert SearchUnit.objects.filter(page_id__in=[kept.pk, withdrawn.pk]).count() == 2
    withdrawn.unpublish()  # not through the signals' commit hooks: the batch itself must notice
    indexing.pages_index([kept.pk, withdrawn.pk])
    assert list(SearchUnit.objects.filter(page_id__in=[kept.pk, withdrawn.pk]).values_list("page_id", flat=True)) == [
        kept.pk
    ]
