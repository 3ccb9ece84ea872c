import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, streamfield

from policies.models import RegulationPage
from policies.services.workflow import policy_workflow_ensure

pytestmark = pytest.mark.django_db


def list_block(values):
    data = {"count": len(values)}
    for i, value in enumerate(values):
        data[str(i)] = {"value": value, "deleted": "", "order": str(i), "id": ""}
    return data


def regulation_form(**overrides):
    data = {
        "title": "保密工作管理办法",
        "slug": "guanli-banfa",
        "body": streamfield(
            [
                ("chapter", {"label": "第一章", "title": "总则"}),
                (
                    "article",
                    {"label": "第一条", "clauses": list_block(["为加强保密工作，制定本办法。"]), "elements": []},
                ),
                (
                    "article",
                    {
                        "label": "第二条",
                        "clauses": list_block(["涉密场所包括：", "（一）研发实验室；", "（二）档案室。"]),
                        "elements": [],
                    },
                ),
            ]
        ),
        "ack_required": "on",
        "ack_due_days": "14",
        "audience_all_staff": "on",
        "change_note": "",
        "clearance": "0",
        "secrecy_term": "",
        "classification_basis": "",
    }
    data.update(overrides)
    return nested_form_data(data)


@pytest.fixture
def editor_setup(policy_index, user_with, verified_client):
    office = Group.objects.create(name="保密办管理员")
    _workflow, editors = policy_workflow_ensure(index=policy_index, approvers=office)
    editor = user_with(0, username="editor")
    editor.groups.add(editors)
    return policy_index, verified_client(editor)


def test_an_editor_drafts_a_structured_regulation_in_the_admin_and_submits_it(editor_setup):
    """Editors write 章/条/款 as structured blocks (not one rich-text blob) and submit for 保密办 approval."""
    index, client = editor_setup
    response = client.post(f"/admin/pages/add/policies/regulationpage/{index.pk}/", regulation_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    page = RegulationPage.objects.get(slug="guanli-banfa")
    draft = page.get_latest_revision_as_object()
    assert [a["label"] for a in draft.articles] == ["第一条", "第二条"]
    assert draft.articles[1]["clauses"] == ["涉密场所包括：", "（一）研发实验室；", "（二）档案室。"]
    assert not page.live

    client.post(f"/admin/pages/{page.pk}/edit/", regulation_form(**{"action-publish": "1"}))
    page.refresh_from_db()
    assert not page.live and not page.versions.exists()  # editors cannot publish

    client.post(f"/admin/pages/{page.pk}/edit/", regulation_form(**{"action-submit": "1"}))
    assert WorkflowState.objects.filter(base_content_type__isnull=False, object_id=str(page.pk)).get().status == (
        WorkflowState.STATUS_IN_PROGRESS
    )


def test_the_admin_form_refuses_a_classified_regulation_body(editor_setup):
    """O01 深圳条例 第十一条: an editor who sets the body above 内部 gets a validation error."""
    index, client = editor_setup
    response = client.post(
        f"/admin/pages/add/policies/regulationpage/{index.pk}/",
        regulation_form(clearance="1", secrecy_term="1年", classification_basis="测试"),
    )
    assert response.status_code == 200
    assert "正文只能为“内部”" in response.content.decode()
    assert not RegulationPage.objects.exists()


def test_the_correction_box_is_for_publishers_starts_unticked_and_needs_a_change_note(
    editor_setup, publish, user_with, verified_client
):
    index, editor_client = editor_setup
    editor_client.post(f"/admin/pages/add/policies/regulationpage/{index.pk}/", regulation_form())
    page = RegulationPage.objects.get(slug="guanli-banfa")
    editor_form = editor_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert re.search(r"<input[^>]*name=\"ack_waived\"[^>]*disabled", editor_form), re.findall(
        r"<input[^>]*ack_waived[^>]*>", editor_form
    )
    publisher = user_with(0, username="publisher")
    publisher.is_superuser = True
    publisher.save()
    client = verified_client(publisher)
    publish(page, ack_waived=True, change_note="x")
    form = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert (
        'name="ack_waived"' in form
        and 'name="ack_waived" checked' not in form
        and "disabled" not in form.split('name="ack_waived"')[1][:40]
    )
    response = client.post(f"/admin/pages/{page.pk}/edit/", regulation_form(ack_waived="on"))
    assert "请在修订说明中写明" in response.content.decode()
