import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import PageLogEntry

from portal.enums import Clearance
from portal.models import Notification, PortalPage, SecureDocument
from records import views as records_views
from records.enums import DecisionKind
from records.models import MarkingDecision, TermReview
from records.services.register import marked_models, marking_decide, term_expiry_run
from search.models import SearchUnit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _item_url(obj, model=PortalPage):
    return f"/records/register/{ContentType.objects.get_for_model(model).pk}/{obj.pk}/"


def _classified_page(page_at, django_capture_on_commit_callbacks, *, classifier, until, clearance=Clearance.SECRET):
    with django_capture_on_commit_callbacks(execute=True):
        page = page_at(clearance=clearance, title="测试涉密页面")
        PortalPage.objects.filter(pk=page.pk).update(classifier=classifier, secrecy_until=until)
    page.refresh_from_db()
    return page


def _verified(user):
    """As the OTP middleware leaves request.user: a service called outside a request sees a verified user."""
    user.is_verified = lambda: True
    return user


def _unit_clearance(page):
    return SearchUnit.objects.filter(page_id=page.pk).values_list("effective_clearance", flat=True).first()


def test_the_register_finds_every_marked_model_generically():
    """O12/O74 科学技术保密规定 第三十四条: pages, documents and images are found through the app registry."""
    names = {model._meta.label for model in marked_models()}
    assert {"portal.PortalPage", "portal.SecureDocument", "portal.SecureImage"} <= names
    assert "home.ArticlePage" not in names  # a page subtype shares its base page's row


def test_register_lists_classified_items_with_their_marking_and_exports(
    page_at, office_user, user_with, verified_client, django_capture_on_commit_callbacks
):
    """O12 科学技术保密规定 第十八条: the 台账 shows 密级, 期限, 定密依据, 定密责任人 and 知悉范围; Excel export."""
    officer = office_user(Clearance.CONFIDENTIAL)
    page = _classified_page(page_at, django_capture_on_commit_callbacks, classifier=officer, until=None)
    page_at(title="内部通知")
    page_at(clearance=Clearance.TOP_SECRET, title="绝密页面")
    SecureDocument.objects.create(
        title="涉密规格书",
        file="x.txt",
        clearance=Clearance.CONFIDENTIAL,
        secrecy_term="10年",
        classification_basis="依据",
    )
    client = verified_client(officer)
    html = client.get("/records/register/").content.decode()
    assert "测试涉密页面" in html and "涉密规格书" in html and "测试定密依据" in html
    assert "内部通知" not in html
    assert "绝密页面" not in html  # 保密办 reads the register under the same access rule as everything else
    filtered = client.get("/records/register/", {"clearance": Clearance.CONFIDENTIAL}).content.decode()
    assert "涉密规格书" in filtered and "测试涉密页面" not in filtered
    doc_type = ContentType.objects.get_for_model(SecureDocument).pk
    by_type = client.get("/records/register/", {"type": doc_type}).content.decode()
    assert "涉密规格书" in by_type and "测试涉密页面" not in by_type

    export = client.get("/records/register/", {"format": "xlsx"})
    assert export.status_code == 200 and "no-store" in export["Cache-Control"]
    sheet = load_workbook(io.BytesIO(export.content)).active
    titles = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(titles) == ["测试涉密页面", "涉密规格书"]
    assert page.pk in [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert verified_client(user_with(Clearance.TOP_SECRET)).get("/records/register/").status_code == 403


def test_only_the_classifier_or_a_superior_changes_a_marking(
    page_at, office_user, user_with, verified_client, django_capture_on_commit_callbacks
):
    """O17 科学技术保密规定 第二十条: anyone else is denied; an allowed change needs a reason and is recorded."""
    classifier = user_with(Clearance.CONFIDENTIAL)
    page = _classified_page(page_at, django_capture_on_commit_callbacks, classifier=classifier, until=None)
    stranger = user_with(Clearance.TOP_SECRET)
    with pytest.raises(PermissionDenied):
        marking_decide(
            actor=_verified(stranger), obj=page, kind=DecisionKind.CHANGE, clearance=Clearance.INTERNAL, reason="x"
        )
    forged = verified_client(stranger).post(_item_url(page), {"kind": "declassify", "reason": "无"})
    assert forged.status_code == 403
    with pytest.raises(ValidationError):
        marking_decide(
            actor=_verified(classifier), obj=page, kind=DecisionKind.CHANGE, clearance=Clearance.CONFIDENTIAL, reason=""
        )

    assert _unit_clearance(page) == Clearance.SECRET
    with django_capture_on_commit_callbacks(execute=True):
        response = verified_client(classifier).post(
            _item_url(page), {"kind": "change", "clearance": Clearance.CONFIDENTIAL, "reason": "涉及核心参数"}
        )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.clearance == page.effective_clearance == Clearance.CONFIDENTIAL
    assert _unit_clearance(page) == Clearance.CONFIDENTIAL
    decision = MarkingDecision.objects.get(object_id=str(page.pk))
    assert (decision.decided_by, decision.clearance_before, decision.clearance_after) == (
        classifier,
        Clearance.SECRET,
        Clearance.CONFIDENTIAL,
    )
    assert PageLogEntry.objects.filter(page=page, action="records.marking_change", user=classifier).exists()
    history = verified_client(office_user(Clearance.CONFIDENTIAL)).get(_item_url(page)).content.decode()
    assert "涉及核心参数" in history


def test_expiry_notice_then_extension_before_the_end(
    page_at, user_with, verified_client, django_capture_on_commit_callbacks
):
    """O18/O19 科学技术保密规定 第二十一条, 第二十二条: a task before the end; an extension decided in time holds."""
    classifier = user_with(Clearance.CONFIDENTIAL)
    end = TODAY + datetime.timedelta(days=10)
    page = _classified_page(page_at, django_capture_on_commit_callbacks, classifier=classifier, until=end)
    assert term_expiry_run(day=TODAY)["reminded"] == 1
    review = TermReview.objects.get(object_id=str(page.pk))
    assert review.classifier == classifier and review.resolved_at is None
    notice = Notification.objects.get(user=classifier, kind="records.term_expiry")
    assert "测试涉密页面" not in notice.message
    assert term_expiry_run(day=TODAY)["reminded"] == 0  # reminders are spaced out

    later = end + datetime.timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        verified_client(classifier).post(
            _item_url(page), {"kind": "extend", "secrecy_until": later.isoformat(), "reason": "项目延期"}
        )
    page.refresh_from_db()
    assert page.secrecy_until == later and page.clearance == Clearance.SECRET
    review.refresh_from_db()
    assert review.resolution == DecisionKind.EXTEND
    assert PageLogEntry.objects.filter(page=page, action="records.marking_extend").exists()

    with pytest.raises(ValidationError):
        marking_decide(
            actor=_verified(classifier),
            obj=page,
            kind=DecisionKind.EXTEND,
            secrecy_until=later + datetime.timedelta(1),
            reason="太晚",
            day=later,
        )


@pytest.mark.parametrize("rule", ["auto"])
def test_lapse_under_the_automatic_rule_declassifies_audits_and_reindexes(
    rule, settings, page_at, user_with, verified_client, django_capture_on_commit_callbacks
):
    """O18 科学技术保密规定 第二十一条: 「保密期限已满…自行解密」 — marking removed, audited, search re-indexed."""
    settings.RECORDS_EXPIRY_ACTION = rule
    classifier = user_with(Clearance.CONFIDENTIAL)
    page = _classified_page(page_at, django_capture_on_commit_callbacks, classifier=classifier, until=TODAY)
    assert _unit_clearance(page) == Clearance.SECRET
    internal = user_with(Clearance.INTERNAL)
    assert verified_client(internal).get(page.url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert term_expiry_run(day=TODAY)["lapsed"] == 1
    page.refresh_from_db()
    assert page.clearance == page.effective_clearance == Clearance.INTERNAL
    assert _unit_clearance(page) == Clearance.INTERNAL
    assert MarkingDecision.objects.filter(object_id=str(page.pk), kind=DecisionKind.LAPSE, decided_by=None).exists()
    assert PageLogEntry.objects.filter(page=page, action="records.marking_lapse").exists()
    assert verified_client(internal).get(page.url).status_code == 200


def test_hold_under_the_confirm_rule_until_the_classifier_declassifies(
    settings, page_at, user_with, verified_client, django_capture_on_commit_callbacks
):
    """O18 and obligations §4 #6: with EXPIRY_ACTION=confirm nothing changes at the end until the classifier acts."""
    settings.RECORDS_EXPIRY_ACTION = "confirm"
    classifier = user_with(Clearance.CONFIDENTIAL)
    page = _classified_page(page_at, django_capture_on_commit_callbacks, classifier=classifier, until=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert term_expiry_run(day=TODAY)["held"] == 1
    page.refresh_from_db()
    assert page.clearance == Clearance.SECRET and _unit_clearance(page) == Clearance.SECRET
    assert TermReview.objects.get(object_id=str(page.pk)).held_at is not None
    assert PageLogEntry.objects.filter(page=page, action="records.marking_hold").exists()
    assert term_expiry_run(day=TODAY)["held"] == 0  # held once, not again every day

    with django_capture_on_commit_callbacks(execute=True):
        verified_client(classifier).post(_item_url(page), {"kind": "declassify", "reason": "确认到期解密"})
    page.refresh_from_db()
    assert page.effective_clearance == Clearance.INTERNAL and _unit_clearance(page) == Clearance.INTERNAL
    assert PageLogEntry.objects.filter(page=page, action="records.marking_declassify", user=classifier).exists()
    assert TermReview.objects.get(object_id=str(page.pk)).resolution == DecisionKind.DECLASSIFY


def test_documents_lapse_too(settings, user_with, django_capture_on_commit_callbacks):
    """O18: the rule covers documents as well as pages (any marked model)."""
    settings.RECORDS_EXPIRY_ACTION = "auto"
    document = SecureDocument.objects.create(
        title="到期文件",
        file="y.txt",
        clearance=Clearance.SECRET,
        secrecy_term="1年",
        secrecy_until=TODAY,
        classification_basis="依据",
    )
    with django_capture_on_commit_callbacks(execute=True):
        term_expiry_run(day=TODAY)
    document.refresh_from_db()
    assert document.effective_clearance == Clearance.INTERNAL
    assert MarkingDecision.objects.filter(
        content_type=ContentType.objects.get_for_model(SecureDocument), object_id=str(document.pk)
    ).exists()


def test_register_is_sorted_and_paged_in_sql_across_models(
    page_at, office_user, verified_client, make_question, monkeypatch, django_capture_on_commit_callbacks
):
    """O12 科学技术保密规定 第十八条: the 台账 lists pages, documents and questions together, the nearest 保密期限
    first, then the higher 密级; a page of it reads the same number of queries however many items there are."""
    monkeypatch.setattr(records_views, "REGISTER_PAGE_SIZE", 3)
    officer = office_user(Clearance.CONFIDENTIAL)
    _classified_page(
        page_at, django_capture_on_commit_callbacks, classifier=officer, until=TODAY + datetime.timedelta(10)
    )
    later = SecureDocument.objects.create(
        title="三十天后到期的规格书", file="a.txt", clearance=Clearance.SECRET, secrecy_term="1年"
    )
    SecureDocument.objects.filter(pk=later.pk).update(secrecy_until=TODAY + datetime.timedelta(30))
    SecureDocument.objects.create(
        title="长期机密图纸", file="b.txt", clearance=Clearance.CONFIDENTIAL, secrecy_term="长期"
    )
    make_question(clearance=Clearance.SECRET, text="涉密题目：密级变更由谁决定")
    client = verified_client(officer)

    with CaptureQueriesContext(connection) as first:
        html = client.get("/records/register/").content.decode()
    order = [html.index(title) for title in ("测试涉密页面", "三十天后到期的规格书", "长期机密图纸")]
    assert order == sorted(order)
    assert "涉密题目" not in html and "共 4 项" in html and "1/2" in html
    second = client.get("/records/register/", {"page": 2}).content.decode()
    assert "涉密题目：密级变更由谁决定" in second and "测试涉密页面" not in second

    for n in range(12):
        make_question(clearance=Clearance.SECRET, text=f"更多涉密题目{n}")
    with CaptureQueriesContext(connection) as more:
        html = client.get("/records/register/", {"page": 2}).content.decode()
    assert "共 16 项" in html and "2/6" in html
    assert len(more) == len(first)
