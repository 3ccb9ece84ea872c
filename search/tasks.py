"""Celery jobs of the search index. Enqueued on commit by the signal handlers; eager in development."""

from celery import shared_task

from search.services import indexing


@shared_task(name="search.page_index")
def page_index_task(page_id):
    return indexing.page_index(page_id)


@shared_task(name="search.pages_index")
def pages_index_task(page_ids):
    return indexing.pages_index(page_ids)


@shared_task(name="search.document_index")
def document_index_task(document_id):
    return indexing.document_index(document_id)


@shared_task(name="search.documents_index")
def documents_index_task(document_ids):
    return indexing.documents_index(document_ids)


@shared_task(name="search.subtree_index")
def subtree_index_task(root_path):
    return indexing.subtree_index(root_path)
