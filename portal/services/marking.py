"""Keeps the denormalised effective marking (clearance, 知悉范围) of pages and media correct.

Effective clearance = max over the page, its ancestors and (for an alias) its original; effective scope = the
intersection of every scope set on that chain. A subtree is recomputed in a fixed number of queries, whatever its size.
"""

from django.db import transaction
from django.utils.translation import gettext

from portal.enums import Clearance
from portal.models.marking import narrow_scope, scope_ids, scope_key
from portal.models.pages import PortalPage
from portal.signals import marking_changed

NEUTRAL_SLUG_PREFIX = "m-"


def neutral_slug(page):
    """Classified pages get a slug that says nothing: a title must never reach a URL, a log or a referrer."""
    return f"{NEUTRAL_SLUG_PREFIX}{page.translation_key.hex[:12]}"


def _own_scope(page):
    ids = {group.pk for group in page.scope.all()}
    return ids or None


def _parent_row(path):
    """(effective clearance, effective scope ids, url_path) of the page above `path`."""
    parent_path = path[: -PortalPage.steplen]
    row = (
        PortalPage.objects.filter(path=parent_path)
        .values_list("effective_clearance", "effective_scope", "url_path")
        .first()
        if parent_path
        else None
    )
    if row is None:
        return Clearance.INTERNAL, None, None
    return row[0], scope_ids(row[1]), row[2]


def _pin_fields(page, clearance):
    page.clearance = clearance
    page.secrecy_term = page.secrecy_term or gettext("as before")
    page.classification_basis = page.classification_basis or gettext("Carried over from its former place")


def page_marking_apply(page):
    """Compute `page`'s effective marking in memory before it is saved. Returns True if it changed."""
    if not page.path:
        return False
    adding = page._state.adding
    if adding and page.effective_clearance > page.clearance:
        # A copy or an alias arrives carrying the marking its source had: it is pinned as its own,
        # so placing it under a less restricted parent never widens access.
        _pin_fields(page, page.effective_clearance)
    carried_scope = scope_ids(page.effective_scope) if adding else None
    own_scope = _own_scope(page)
    if carried_scope is not None and own_scope is None:
        from django.contrib.auth.models import Group

        page.scope.set(Group.objects.filter(pk__in=carried_scope))
        own_scope = carried_scope or set()

    clearance, scope, _url_path = _parent_row(page.path)
    clearance = max(clearance, page.clearance)
    scope = narrow_scope(scope, own_scope)
    if page.alias_of_id:
        original = (
            PortalPage.objects.filter(pk=page.alias_of_id).values_list("effective_clearance", "effective_scope").first()
        )
        if original:
            clearance = max(clearance, original[0])
            scope = narrow_scope(scope, scope_ids(original[1]))

    page.effective_clearance = clearance
    page.effective_scope = scope_key(scope)
    if (
        clearance >= Clearance.SECRET
        and page.depth
        and page.depth > 1
        and not page.slug.startswith(NEUTRAL_SLUG_PREFIX)
    ):
        page.slug = neutral_slug(page)
    stored = getattr(page, "_stored_marking", None)
    if stored is None and not adding:
        # Instances built from a revision (publish) never passed through from_db.
        stored = PortalPage.objects.filter(pk=page.pk).values_list("effective_clearance", "effective_scope").first()
    return stored is not None and tuple(stored) != (page.effective_clearance, page.effective_scope)


def page_marking_refresh_after_save(page, *, changed):
    if changed:
        marking_changed.send(sender=PortalPage, root_path=page.path)
    if changed and page.numchild:
        page_subtree_refresh(page.path, include_root=False)
    if changed:
        for alias_path in PortalPage.objects.filter(alias_of_id=page.pk).values_list("path", flat=True):
            page_subtree_refresh(alias_path)


@transaction.atomic
def page_subtree_refresh(root_path, *, include_root=True):
    """Recompute the effective marking of a whole subtree, set-based.

    Queries: the subtree, its own scopes, the parent, alias originals, then one bulk UPDATE of the rows that
    changed, never one statement per page. Pages that become classified get neutral slugs in the same update,
    with the url_path of every page below them rewritten.
    """
    rows = list(
        PortalPage.objects.filter(path__startswith=root_path)
        .order_by("path")
        .values_list(
            "id",
            "path",
            "clearance",
            "alias_of_id",
            "effective_clearance",
            "effective_scope",
            "slug",
            "url_path",
            "translation_key",
        )
    )
    if not rows:
        return 0
    through = PortalPage.scope.through
    own_scopes = {}
    for page_id, group_id in through.objects.filter(portalpage__path__startswith=root_path).values_list(
        "portalpage_id", "group_id"
    ):
        own_scopes.setdefault(page_id, set()).add(group_id)
    subtree_ids = {row[0] for row in rows}
    outside_originals = {row[3] for row in rows if row[3] and row[3] not in subtree_ids}
    originals = {
        pk: (c, scope_ids(s))
        for pk, c, s in PortalPage.objects.filter(pk__in=outside_originals).values_list(
            "pk", "effective_clearance", "effective_scope"
        )
    }

    parent = _parent_row(root_path)
    computed = {}
    by_path = {}
    changed = []
    for page_id, path, own_clearance, alias_of_id, old_c, old_s, old_slug, old_url_path, translation_key in rows:
        slug, url_path = old_slug, old_url_path
        above = by_path.get(path[: -PortalPage.steplen], parent)
        clearance = max(above[0], own_clearance)
        scope = narrow_scope(above[1], own_scopes.get(page_id))
        if alias_of_id:
            original = computed.get(alias_of_id) or originals.get(alias_of_id)
            if original:
                clearance = max(clearance, original[0])
                scope = narrow_scope(scope, original[1])
        if (
            clearance >= Clearance.SECRET
            and len(path) > PortalPage.steplen
            and not slug.startswith(NEUTRAL_SLUG_PREFIX)
        ):
            slug = f"{NEUTRAL_SLUG_PREFIX}{translation_key.hex[:12]}"
        if above[2] is not None:
            url_path = f"{above[2]}{slug}/"
        computed[page_id] = (clearance, scope)
        by_path[path] = (clearance, scope, url_path)
        key = scope_key(scope)
        if (include_root or path != root_path) and (clearance, key, slug, url_path) != (
            old_c,
            old_s,
            old_slug,
            old_url_path,
        ):
            changed.append(
                PortalPage(id=page_id, effective_clearance=clearance, effective_scope=key, slug=slug, url_path=url_path)
            )
    PortalPage.objects.bulk_update(
        changed, ["effective_clearance", "effective_scope", "slug", "url_path"], batch_size=500
    )
    if changed:
        marking_changed.send(sender=PortalPage, root_path=root_path)
    # Aliases elsewhere in the tree follow their originals (one query to find them; aliases are few).
    changed_ids = [page.pk for page in changed]
    for alias_path in (
        PortalPage.objects.filter(alias_of_id__in=changed_ids)
        .exclude(path__startswith=root_path)
        .values_list("path", flat=True)
    ):
        page_subtree_refresh(alias_path)
    return len(changed)


@transaction.atomic
def page_marking_pin(page, *, user=None):
    """Before a page leaves its parent (move), make the access it had its own: clearance and scope never widen."""
    from wagtail.log_actions import log

    current = PortalPage.objects.select_for_update().get(pk=page.pk)
    own_scope = _own_scope(current)
    effective_scope = scope_ids(current.effective_scope)
    changes = {}
    if current.clearance < current.effective_clearance:
        changes["clearance"] = (current.clearance, current.effective_clearance)
        _pin_fields(current, current.effective_clearance)
        PortalPage.objects.filter(pk=page.pk).update(
            clearance=current.clearance,
            secrecy_term=current.secrecy_term,
            classification_basis=current.classification_basis,
        )
        page.clearance = current.clearance
    if effective_scope is not None and own_scope != effective_scope:
        through = PortalPage.scope.through
        through.objects.filter(portalpage_id=page.pk).delete()
        through.objects.bulk_create([through(portalpage_id=page.pk, group_id=gid) for gid in effective_scope])
        changes["scope"] = (sorted(own_scope or []), sorted(effective_scope))
    if changes:
        log(instance=current, action="portal.marking_pinned", user=user, data={"changes": changes})
    return changes


def item_marking_apply(item):
    """Documents and images: the effective marking is their own (scope is refreshed when it changes)."""
    item.effective_clearance = item.clearance
    if item.pk:
        ids = set(item.scope.values_list("pk", flat=True))
        item.effective_scope = scope_key(ids or None)


def item_scope_refresh(item):
    ids = set(item.scope.values_list("pk", flat=True))
    key = scope_key(ids or None)
    type(item).objects.filter(pk=item.pk).update(effective_scope=key)
    item.effective_scope = key
