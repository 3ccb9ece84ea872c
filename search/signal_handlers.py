"""Keep the index in step with what is published: each change enqueues its re-index once the transaction commits.

Inside `search_indexing_deferred()` (bulk writers such as the Plone import) the receivers only collect what changed;
each page, subtree and document is indexed once when the block exits.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.models import PortalPage, SecureDocument
from portal.signals import marking_changed
from search.models import ThesaurusEntry

_deferred = threading.local()


@dataclass
class DeferredIndexing:
    """What changed while indexing was deferred: page ids, subtree root paths, document ids."""

    pages: set = field(default_factory=set)
    subtrees: set = field(default_factory=set)
    documents: set = field(default_factory=set)

    def flush(self):
        """Enqueue each collected page, subtree and document once (on commit, like the receivers do), in batches:
        one task per INDEX_BATCH sources rather than one per source."""
        from search.services.indexing import INDEX_BATCH
        from search.tasks import documents_index_task, pages_index_task, subtree_index_task

        roots = []
        for path in sorted(self.subtrees):
            if not any(path.startswith(root) for root in roots):
                roots.append(path)
        covered = set()
        for root in roots:
            covered |= set(PortalPage.objects.filter(path__startswith=root).values_list("pk", flat=True))
        pages = sorted(self.pages - covered)
        documents = sorted(self.documents)
        self.pages, self.subtrees, self.documents = set(), set(), set()

        def enqueue():
            for root in roots:
                subtree_index_task.delay(root)
            for start in range(0, len(pages), INDEX_BATCH):
                pages_index_task.delay(pages[start : start + INDEX_BATCH])
            for start in range(0, len(documents), INDEX_BATCH):
                documents_index_task.delay(documents[start : start + INDEX_BATCH])

        transaction.on_commit(enqueue)


def _collector():
    return getattr(_deferred, "collector", None)


@contextmanager
def search_indexing_deferred():
    """Collect index work instead of enqueuing a task per signal; index everything collected once at the end.

    Yields the collector: a bulk writer that bypasses the signals (e.g. saves without publishing) adds its page and
    document ids to `pages` / `documents`. Nested blocks share the outermost collector, which flushes on exit (also
    after an error: what was committed before it must still reach the index). Per thread.
    """
    collector = _collector()
    if collector is not None:
        yield collector
        return
    collector = _deferred.collector = DeferredIndexing()
    try:
        yield collector
    finally:
        _deferred.collector = None
        collector.flush()


def _page_index_on_commit(page_id):
    collector = _collector()
    if collector is not None:
        collector.pages.add(page_id)
        return
    from search.tasks import page_index_task

    transaction.on_commit(lambda: page_index_task.delay(page_id))


def _subtree_index_on_commit(root_path):
    collector = _collector()
    if collector is not None:
        collector.subtrees.add(root_path)
        return
    from search.tasks import subtree_index_task

    transaction.on_commit(lambda: subtree_index_task.delay(root_path))


@receiver(page_published)
@receiver(page_unpublished)
def index_published_page(sender, instance, **kwargs):
    _page_index_on_commit(instance.pk)


@receiver(post_delete, sender=PortalPage)
def unindex_deleted_page(sender, instance, **kwargs):
    # The embedded rows go with the page (ON DELETE CASCADE); an external index is told by the same task.
    _page_index_on_commit(instance.pk)


@receiver(post_page_move)
def index_moved_subtree(sender, instance, url_path_after=None, **kwargs):
    _subtree_index_on_commit(instance.path)


@receiver(marking_changed)
def index_reclassified_subtree(sender, root_path, **kwargs):
    _subtree_index_on_commit(root_path)


@receiver(post_save, sender=SecureDocument)
@receiver(post_delete, sender=SecureDocument)
@receiver(m2m_changed, sender=SecureDocument.scope.through)
def index_document(sender, instance, **kwargs):
    if not isinstance(instance, SecureDocument) or kwargs.get("action", "post_")[:5] != "post_":
        return
    collector = _collector()
    if collector is not None:
        collector.documents.add(instance.pk)
        return
    from search.tasks import document_index_task

    document_id = instance.pk
    transaction.on_commit(lambda: document_index_task.delay(document_id))


@receiver(post_save, sender=ThesaurusEntry)
@receiver(post_delete, sender=ThesaurusEntry)
def thesaurus_edited(sender, **kwargs):
    from search.query import thesaurus_changed

    thesaurus_changed()
