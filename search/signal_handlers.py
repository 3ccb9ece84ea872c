"""Keep the index in step with what is published: each change enqueues its re-index once the transaction commits."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.models import PortalPage, SecureDocument
from portal.signals import marking_changed
from search.models import ThesaurusEntry


def _page_index_on_commit(page_id):
    from search.tasks import page_index_task

    transaction.on_commit(lambda: page_index_task.delay(page_id))


def _subtree_index_on_commit(root_path):
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
    from search.tasks import document_index_task

    document_id = instance.pk
    transaction.on_commit(lambda: document_index_task.delay(document_id))


@receiver(post_save, sender=ThesaurusEntry)
@receiver(post_delete, sender=ThesaurusEntry)
def thesaurus_edited(sender, **kwargs):
    from search.query import thesaurus_changed

    thesaurus_changed()
