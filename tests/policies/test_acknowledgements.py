import datetime
import hashlib

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry

from policies.models import Acknowledgement
from policies.services.acks import ack_fanout, acks_assign_for_user
from policies.services.versions import canonical_text
from portal.enums import PostCategory

pytestmark = pytest.mark.django_db


def open_users(page):
    return set(Acknowledgement.objects.open().filter(version__regulation=page).values_list("user__username", flat=True))


def test_publishing_delivers_one_acknowledgement_per_audience_member(regulation, user_with, department):
    """O03 深圳条例 第十三条: a 确认文件 for 研发部 reaches every member, due in ack_due_days; nobody else."""
    rd, market = department("研发部", "rd"), department("市场部", "market")
    a, b = user_with(0, rd, username="rd-a"), user_with(1, rd, username="rd-b")
    user_with(0, market, username="mk-a")
    page = regulation(audience_all_staff=False, audience_departments=[rd], ack_due_days=10)
    assert open_users(page) == {"rd-a", "rd-b"}
    due = {row.due_on for row in Acknowledgement.objects.filter(user__in=[a, b])}
    assert due == {timezone.localdate() + datetime.timedelta(days=10)}


def test_acknowledging_records_user_version_time_ip_and_text_hash(regulation, user_with, verified_client):
    """O03 深圳条例 第十三条: the 签收 stores user, version id, a SHA-256 of the version text, time and IP."""
    reader = user_with(0)
    page = regulation(title="技术保密管理规定")
    version = page.versions.get()
    response = verified_client(reader).post(
        page.url + "acknowledge/", {"version": "1", "confirm": "yes"}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302
    ack = Acknowledgement.objects.get(user=reader)
    expected = hashlib.sha256(canonical_text(page.title, page.chapters).encode()).hexdigest()
    assert (ack.read_version, ack.text_sha256, ack.ip_address) == (version, expected, "10.9.8.7")
    assert ack.acknowledged_at is not None
    assert PageLogEntry.objects.filter(page=page, action="policies.acknowledge", user=reader).exists()


def test_changed_text_needs_a_new_acknowledgement(regulation, publish, user_with):
    """O03: republishing with changed text creates new tasks, also for those who signed the old text."""
    signer, slacker = user_with(0, username="signer"), user_with(0, username="slacker")
    page = regulation()
    Acknowledgement.objects.filter(user=signer).update(acknowledged_at=timezone.now())
    publish(page, articles=[("第一条", "修订后的第一条。")], change_note="修订第一条")
    v2 = page.versions.get(number=2)
    assert v2.requires_ack
    assert set(v2.acknowledgements.values_list("user__username", flat=True)) >= {"signer", "slacker"}
    old_open = Acknowledgement.objects.filter(user=slacker, version__number=1).get()
    assert old_open.superseded_at is not None  # nobody is asked to sign an outdated text


def test_a_correction_marked_no_reacknowledgement_creates_no_tasks_and_is_audited(regulation, publish, user_with):
    """O03: a republish marked 无需重签 creates none, and that choice is in the audit log."""
    editor = user_with(0, username="officer")
    editor.is_superuser = True  # may publish
    editor.save()
    user_with(0, username="reader")
    page = regulation()
    Acknowledgement.objects.filter(user=editor).update(acknowledged_at=timezone.now())
    publish(
        page,
        user=editor,
        articles=[(label, text.replace("职工", "员工")) for label, text in [("第一条", "为保护本单位的技术秘密。")]],
        ack_waived=True,
        change_note="更正错字",
    )
    v2 = page.versions.get(number=2)
    assert not v2.requires_ack
    assert not v2.acknowledgements.exists()
    assert open_users(page) == {"reader"}  # still owes version 1's acknowledgement, and will sign what is current
    entry = PageLogEntry.objects.get(page=page, action="policies.ack_waived")
    assert entry.user == editor and entry.data["change_note"] == "更正错字"


def test_a_waiver_from_someone_who_cannot_publish_is_ignored(regulation, publish, user_with):
    """An editor's draft marked 无需重签 cannot spare a changed text: only a publisher may waive (audit: no entry)."""
    drafter = user_with(0, username="drafter")
    page = regulation()
    publish(page, user=drafter, articles=[("第一条", "实质修改")], ack_waived=True, change_note="修正标点")
    v2 = page.versions.get(number=2)
    assert v2.requires_ack and v2.acknowledgements.exists()
    assert not PageLogEntry.objects.filter(page=page, action="policies.ack_waived").exists()


def test_the_version_names_who_published_it(regulation, publish, user_with):
    publisher = user_with(0, username="publisher")
    page = regulation()
    publish(page, user=publisher, articles=[("第一条", "新文本")])
    assert page.versions.get(number=2).published_by == publisher


def test_republishing_the_same_text_records_no_version(regulation, publish, user_with):
    user_with(0)
    page = regulation()
    publish(page, change_note="only metadata", doc_number="保密〔2026〕1号")
    assert page.versions.count() == 1


def test_audience_rules_departments_post_categories_new_hires_and_leavers(regulation, user_with, department):
    """Audience: departments OR post categories, narrowed to new hires within N days; leavers never."""
    rd = department("研发部", "rd")
    today = timezone.localdate()
    user_with(0, rd, username="rd-member")
    user_with(1, username="core-post", post_category=PostCategory.CORE)
    user_with(0, username="plain")
    user_with(0, rd, username="rd-leaver", left_on=today)
    page = regulation(audience_all_staff=False, audience_departments=[rd], audience_post_categories=[PostCategory.CORE])
    assert open_users(page) == {"rd-member", "core-post"}

    user_with(0, username="new-hire", hire_date=today - datetime.timedelta(days=3))
    user_with(0, username="old-hand", hire_date=today - datetime.timedelta(days=400))
    onboarding = regulation(audience_all_staff=True, audience_new_hire_days=30)
    assert open_users(onboarding) == {"new-hire"}
    assert Acknowledgement.objects.get(user__username="new-hire", version__regulation=onboarding).due_on == (
        today + datetime.timedelta(days=27)
    )


def test_new_staff_get_their_acknowledgements_automatically(regulation, user_with, django_capture_on_commit_callbacks):
    """New staff joining after publication receive every applicable acknowledgement, due from their hire date."""
    page = regulation(ack_due_days=14)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = user_with(0, username="newcomer", hire_date=timezone.localdate())
    row = Acknowledgement.objects.get(user=newcomer, version__regulation=page)
    assert row.due_on == timezone.localdate() + datetime.timedelta(days=14)
    assert acks_assign_for_user(user_id=newcomer.pk) == 0  # idempotent


def test_fanout_is_idempotent(regulation, user_with):
    user_with(0)
    page = regulation()
    version = page.versions.get()
    before = Acknowledgement.objects.count()
    assert ack_fanout(version_id=version.pk) == 0
    assert Acknowledgement.objects.count() == before


def test_home_page_lists_what_is_due_and_drops_it_once_acknowledged(regulation, user_with, verified_client, home):
    """The home page shows what is still to be acknowledged, with due dates."""
    reader = user_with(0)
    page = regulation(title="深圳经济特区企业技术秘密保护条例")
    client = verified_client(reader)
    desk = client.get(home.url).content.decode()
    assert "深圳经济特区企业技术秘密保护条例" in desk
    assert Acknowledgement.objects.get(user=reader).due_on.strftime("%Y-%m-%d") in desk
    client.post(page.url + "acknowledge/", {"version": "1", "confirm": "yes"})
    assert (
        "深圳经济特区企业技术秘密保护条例"
        not in client.get(home.url).content.decode().split("<main")[1].split('class="desk"')[0]
    )


def test_leaving_or_moving_out_of_the_audience_closes_open_acknowledgements(
    regulation, user_with, department, django_capture_on_commit_callbacks
):
    from portal.services.people import profile_update

    rd, market = department("研发部", "rd"), department("市场部", "market")
    mover, leaver = user_with(0, rd, username="mover"), user_with(0, rd, username="leaver")
    page = regulation(audience_all_staff=False, audience_departments=[rd])
    assert open_users(page) == {"mover", "leaver"}
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(actor=None, profile=mover.security_profile, department=market)
        profile_update(actor=None, profile=leaver.security_profile, left_on=timezone.localdate())
    assert open_users(page) == set()
