import pytest
from django.contrib.auth.models import Group

from policies.models import Acknowledgement, RegulationPage
from policies.services.workflow import policy_workflow_ensure

from .conftest import body_of

pytestmark = pytest.mark.django_db


def test_an_editor_submits_and_the_secrecy_office_approves_before_anything_is_published(
    policy_index, user_with, django_capture_on_commit_callbacks
):
    """DESIGN Workflows: policy publication goes editor → 保密办 approval; the fan-out follows the approval."""
    office = Group.objects.create(name="保密办管理员")
    workflow, editors = policy_workflow_ensure(index=policy_index, approvers=office)
    editor, officer, reader = user_with(0, username="editor"), user_with(2, username="officer"), user_with(0)
    editor.groups.add(editors)
    officer.groups.add(office)

    page = RegulationPage(title="保密工作管理办法", slug="guanli", live=False, body=body_of([("第一条", "文本")]))
    policy_index.add_child(instance=page)
    page.save_revision(user=editor)
    assert not page.permissions_for_user(editor).can_publish()
    assert page.get_workflow() == workflow

    state = workflow.start(page, editor)
    page.refresh_from_db()
    assert not page.live and not page.versions.exists()

    task_state = state.current_task_state
    assert task_state.task.specific.user_can_access_editor(page, officer)
    with django_capture_on_commit_callbacks(execute=True):
        task_state.task.specific.on_action(task_state, officer, "approve")
    page.refresh_from_db()
    assert page.live
    assert page.versions.get().number == 1
    assert Acknowledgement.objects.filter(user=reader, version__regulation=page).exists()


def test_setting_up_the_workflow_twice_changes_nothing(policy_index):
    office = Group.objects.create(name="保密办管理员")
    first = policy_workflow_ensure(index=policy_index, approvers=office)
    assert policy_workflow_ensure(index=policy_index, approvers=office) == first
    assert first[0].workflow_tasks.count() == 1
