"""Demo data of the records app (DEMO_LOADERS): agreement templates from the seeds, one signed 保密承诺书 (钱静),
pending signatures for the others, 赵峰's 竞业限制 terms showing the 三年 conflict, a loan, a departure. Re-runnable."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo.data import SECRECY_OFFICE_GROUP
from portal.enums import Clearance
from portal.models import SecureDocument
from records.enums import AgreementKind, BorrowingKind
from records.models import Agreement, AgreementTemplate, Borrowing, Departure, NonCompeteTerm
from records.seeds import TEMPLATES, template_body
from records.services.agreements import agreements_assign, signature_write, template_publish
from records.services.departures import departure_start

OFFICE_PERMISSIONS = [
    ("records", "manage_records"),
    ("records", "decide_marking"),
    ("records", "add_agreementtemplate"),
    ("records", "change_agreementtemplate"),
    ("records", "view_agreementtemplate"),
]


def load_demo(*, home, departments, users, stdout):
    officer = users["officer"]
    office = Group.objects.get(name=SECRECY_OFFICE_GROUP)
    for app_label, codename in OFFICE_PERMISSIONS:
        office.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    officer = type(officer).objects.get(pk=officer.pk)  # fresh permission cache

    for kind, title, preamble, articles, audience in TEMPLATES:
        if kind == AgreementKind.NONCOMPETE:
            audience = {**audience, "post_categories": ["core", "important"]}
        template, _created = AgreementTemplate.objects.get_or_create(
            kind=kind, title=title, defaults={"body": template_body(preamble, articles), **audience}
        )
        template_publish(actor=officer, template=template)
    agreements_assign()

    pledge = Agreement.objects.filter(user=officer, template__kind=AgreementKind.PLEDGE, signed_at__isnull=True).first()
    if pledge:
        template = pledge.template
        signature_write(
            agreement=pledge,
            version=template.current_version,
            device=TOTPDevice.objects.filter(user=officer, confirmed=True).first(),
            ip_address="127.0.0.1",
            user=officer,
        )

    pm = users["pm"]
    if not NonCompeteTerm.objects.filter(user=pm).exists():
        contract_end = timezone.localdate() + datetime.timedelta(days=365)
        NonCompeteTerm.objects.create(
            user=pm,
            agreement=Agreement.objects.filter(user=pm, template__kind=AgreementKind.NONCOMPETE).first(),
            region="深圳市内同类产品研发企业",
            contract_end_on=contract_end,
            agreed_until=contract_end + relativedelta(years=3),  # 技术保密管理规定 第十一条: 「三年内」
            monthly_compensation=Decimal("3000.00"),
            average_monthly_wage=Decimal("20000.00"),
            payment_method="按月银行转账",
            breach_liability="返还已付补偿并按约定支付违约金",
            created_by=officer,
        )

    engineer = users["engineer"]
    document = SecureDocument.objects.filter(clearance=Clearance.SECRET, effective_scope="").order_by("pk").first()
    if document and not Borrowing.objects.filter(user=engineer, document=document).exists():
        Borrowing.objects.create(
            user=engineer,
            document=document,
            kind=BorrowingKind.BORROW,
            purpose="编写研发周报引用技术参数",
            clearance=document.effective_clearance,
            due_on=timezone.localdate() - datetime.timedelta(days=3),
        )

    producer = users["producer"]
    if not Departure.objects.filter(user=producer).exists():
        departure_start(actor=officer, user=producer, leave_on=timezone.localdate() + datetime.timedelta(days=14))
    stdout.write(f"Records: {Agreement.objects.count()} agreements, {Borrowing.objects.count()} borrowings.")
