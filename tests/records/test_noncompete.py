import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from portal.enums import Clearance
from portal.models import Notification
from records.enums import AgreementKind
from records.services.agreements import noncompete_findings, noncompete_record

pytestmark = pytest.mark.django_db

CONTRACT_END = datetime.date(2026, 3, 1)


def _term(actor, person, *, until, compensation, wage="10000.00"):
    return noncompete_record(
        actor=actor,
        user=person,
        region="深圳市",
        contract_end_on=CONTRACT_END,
        agreed_until=until,
        monthly_compensation=None if compensation is None else Decimal(compensation),
        average_monthly_wage=Decimal(wage),
        payment_method="按月转账",
        breach_liability="支付违约金",
    )


def _codes(term):
    return {code for code, _message in noncompete_findings(term)}


def test_exactly_two_years_is_kept(office_user, user_with):
    """O43 深圳条例 第二十三条: a term of exactly two years after the contract ends stands as agreed."""
    term = _term(office_user(), user_with(), until=datetime.date(2028, 3, 1), compensation="5000.00")
    assert not term.term_too_long and "term" not in _codes(term)
    assert term.effective_until == datetime.date(2028, 3, 1)


def test_two_years_and_a_day_is_flagged_and_capped(office_user, user_with):
    """O43 深圳条例 第二十三条: 「超过两年的,超过部分无效」 — flagged, effective end capped, 保密办 told."""
    officer = office_user()
    term = _term(officer, user_with(), until=datetime.date(2028, 3, 2), compensation="5000.00")
    assert term.term_too_long and "term" in _codes(term)
    assert term.effective_until == datetime.date(2028, 3, 1)
    assert Notification.objects.filter(user=officer, kind="records.noncompete_flag").exists()


def test_compensation_of_exactly_half_is_kept(office_user, user_with):
    """O44 深圳条例 第二十四条: half the last-12-month average wage is accepted."""
    term = _term(office_user(), user_with(), until=datetime.date(2027, 3, 1), compensation="5000.00")
    assert not term.compensation_too_low and term.effective_compensation == Decimal("5000.00")
    assert _codes(term) == set()


def test_compensation_below_half_is_flagged_and_raised_to_half(office_user, user_with):
    """O44 深圳条例 第二十四条: 「少于上述标准」 is computed at half."""
    term = _term(office_user(), user_with(), until=datetime.date(2027, 3, 1), compensation="4999.99")
    assert term.compensation_too_low and "compensation" in _codes(term)
    assert term.effective_compensation == Decimal("5000.00")


def test_no_compensation_is_flagged_and_computed_at_half(office_user, user_with):
    """O44 深圳条例 第二十四条: 「没有约定补偿费的」 is computed at half."""
    term = _term(office_user(), user_with(), until=datetime.date(2027, 3, 1), compensation=None, wage="12345.67")
    assert "compensation" in _codes(term)
    assert term.effective_compensation == Decimal("6172.84")


def test_only_the_secrecy_office_records_terms(user_with):
    """O44: wage figures and terms are recorded by 保密办/HR only."""
    with pytest.raises(PermissionDenied):
        _term(user_with(Clearance.TOP_SECRET), user_with(), until=None, compensation=None)


def test_the_three_year_template_conflict_is_shown_with_both_clauses(
    office_user, user_with, verified_client, seeded_template
):
    """O05/O43: the company template's 三年 (技术保密管理规定 第十一条) against 深圳条例 第二十三条, both quoted."""
    seeded_template(AgreementKind.NONCOMPETE)
    page = verified_client(office_user()).get("/records/office/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "在离开本单位三年内" in html and "《技术保密管理规定》 第十一条" in html
    assert "超过两年的,超过部分无效" in html and "《深圳经济特区企业技术秘密保护条例》 第二十三条" in html
    assert verified_client(user_with(Clearance.TOP_SECRET)).get("/records/office/").status_code == 403
