"""Admins edit the chains in Wagtail's workflow admin; the reviews task types and the kind → chain table are there."""

import pytest

from reviews.chains import DEPARTMENT_TASK, LEADER_TASK, OFFICE_TASK
from reviews.enums import ReviewKind
from reviews.models import ReviewChain

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(user_with, verified_client, chains):
    admin = user_with(3, username="admin-user")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    return verified_client(admin)


def test_workflow_admin_shows_the_default_chains_and_offers_the_review_task_types(admin_client):
    exhibition = ReviewChain.objects.get(kind=ReviewKind.EXHIBITION).workflow
    page = admin_client.get(f"/admin/workflows/edit/{exhibition.pk}/").content.decode()
    for name in (DEPARTMENT_TASK, OFFICE_TASK, LEADER_TASK):
        assert name in page
    chooser = admin_client.get("/admin/workflows/tasks/select_type/").content.decode()
    assert "部门审查任务" in chooser and "审查组审批任务" in chooser
    form = admin_client.get("/admin/workflows/tasks/add/reviews/departmentreviewtask/")
    assert form.status_code == 200
    assert 'name="include_head"' in form.content.decode() and 'name="overdue_days"' in form.content.decode()


def test_the_kind_to_chain_table_is_listed_in_settings(admin_client):
    response = admin_client.get("/admin/review_chains/")
    assert response.status_code == 200
    assert "保密审查：参展/展览" in response.content.decode()
