"""Effective clearance and 知悉范围: inherited down the tree, never widened by a move, copy or alias."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.enums import Clearance
from portal.models import PortalPage
from portal.models.marking import scope_ids
from portal.services.marking import page_subtree_refresh

pytestmark = pytest.mark.django_db


def reload(page):
    return PortalPage.objects.get(pk=page.pk)


def test_child_under_confidential_parent_is_confidential(page_at):
    parent = page_at(clearance=Clearance.CONFIDENTIAL, kind="section")
    child = page_at(parent, clearance=Clearance.INTERNAL)
    assert child.clearance == Clearance.INTERNAL
    assert child.effective_clearance == Clearance.CONFIDENTIAL
    assert child.marking == "机密★"


def test_raising_an_ancestor_raises_the_whole_subtree(page_at):
    section = page_at(kind="section")
    middle = page_at(section, kind="section")
    leaves = [page_at(middle) for _ in range(3)]
    section.clearance = Clearance.SECRET
    section.secrecy_term = "3年"
    section.classification_basis = "x"
    section.save_revision().publish()
    assert {reload(p).effective_clearance for p in [middle, *leaves]} == {Clearance.SECRET}


def test_child_scope_narrows_never_widens(page_at, department):
    rd, market = department(), department()
    parent = page_at(kind="section", scope=[rd.group])
    wider = page_at(parent, scope=[rd.group, market.group])
    other = page_at(parent, scope=[market.group])
    assert scope_ids(wider.effective_scope) == {rd.group.pk}
    # Disjoint scopes leave nobody in scope, rather than the child's department.
    assert scope_ids(other.effective_scope) == set()


def _subtree_refresh_queries(root):
    with CaptureQueriesContext(connection) as ctx:
        page_subtree_refresh(root.path)
    return len(ctx.captured_queries)


def test_subtree_recompute_is_one_batch_not_one_query_per_page(page_at):
    small, large = page_at(kind="section"), page_at(kind="section")
    page_at(small)
    for _ in range(3):
        middle = page_at(large, kind="section")
        for _ in range(6):
            page_at(middle)
    for root in (small, large):
        PortalPage.objects.filter(pk=root.pk).update(clearance=Clearance.SECRET)
    small_queries = _subtree_refresh_queries(small)
    large_queries = _subtree_refresh_queries(large)
    assert PortalPage.objects.filter(path__startswith=large.path, effective_clearance=Clearance.SECRET).count() == 22
    # 2 pages vs 22 pages: the same number of statements (slug renames of raised pages aside, none here).
    assert large_queries == small_queries


def test_moving_a_page_out_of_a_confidential_section_keeps_it_confidential(page_at):
    secret_section = page_at(clearance=Clearance.CONFIDENTIAL, kind="section")
    open_section = page_at(kind="section")
    page = page_at(secret_section)
    grandchild_parent = page_at(secret_section, kind="section")
    grandchild = page_at(grandchild_parent)

    page.move(open_section, pos="last-child")
    grandchild_parent.move(open_section, pos="last-child")

    moved = reload(page)
    assert moved.get_parent().pk == open_section.pk
    assert moved.clearance == Clearance.CONFIDENTIAL  # its own field was raised to what it had
    assert moved.effective_clearance == Clearance.CONFIDENTIAL
    assert reload(grandchild).effective_clearance == Clearance.CONFIDENTIAL


def test_moving_keeps_the_scope(page_at, department):
    rd = department()
    scoped = page_at(kind="section", scope=[rd.group])
    open_section = page_at(kind="section")
    page = page_at(scoped)
    page.move(open_section, pos="last-child")
    assert scope_ids(reload(page).effective_scope) == {rd.group.pk}


def test_copying_a_page_out_of_a_confidential_section_keeps_it_confidential(page_at, department):
    rd = department()
    secret_section = page_at(clearance=Clearance.CONFIDENTIAL, kind="section", scope=[rd.group])
    open_section = page_at(kind="section")
    page = page_at(secret_section)

    copy = page.copy(to=open_section, update_attrs={"slug": "copied", "title": "副本"}, keep_live=True)

    copy = reload(copy)
    assert copy.get_parent().pk == open_section.pk
    assert copy.clearance == Clearance.CONFIDENTIAL
    assert copy.effective_clearance == Clearance.CONFIDENTIAL
    assert scope_ids(copy.effective_scope) == {rd.group.pk}


def test_an_alias_is_never_less_restricted_than_its_original(page_at):
    secret_section = page_at(clearance=Clearance.TOP_SECRET, kind="section")
    open_section = page_at(kind="section")
    original = page_at(secret_section)

    alias = original.create_alias(parent=open_section, update_slug="alias")

    alias = reload(alias)
    assert alias.alias_of_id == original.pk
    assert alias.effective_clearance == Clearance.TOP_SECRET


def test_classified_pages_never_carry_their_title_in_the_url(page_at):
    page = page_at(clearance=Clearance.SECRET, title="星河项目参数")
    assert "星河" not in page.url_path
    assert page.slug.startswith("m-")


def test_an_alias_elsewhere_follows_when_its_originals_section_is_raised(page_at):
    section = page_at(kind="section")
    open_section = page_at(kind="section")
    original = page_at(section)
    alias = original.create_alias(parent=open_section, update_slug="alias-of-child")
    assert reload(alias).effective_clearance == Clearance.INTERNAL

    section.clearance, section.secrecy_term, section.classification_basis = Clearance.CONFIDENTIAL, "5年", "x"
    section.save_revision().publish()

    assert reload(alias).effective_clearance == Clearance.CONFIDENTIAL
