"""Agreements: publishing templates, creating signing tasks, signing with an OTP step-up, and 竞业限制 checks.

O34 技术保密管理规定 第八条 / O38: signing stores the exact version, its text and hash, the time and the step-up device.
O43/O44 深圳条例 第二十三条, 第二十四条: terms beyond the legal limits are flagged and computed at the limit.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal import access
from portal.enums import PostCategory
from portal.services.notifications import notify_users
from portal.services.otp import step_up_verify
from records.conf import setting
from records.enums import AgreementKind
from records.models import Agreement, AgreementTemplate, AgreementTemplateVersion, NonCompeteTerm, sha256_text
from records.seeds import NONCOMPETE_TERM_CONFLICT, citation, seed_article

OFFICE_PERMISSION = "records.manage_records"


class AgreementError(ValidationError):
    pass


def is_office(user):
    return bool(user and user.is_authenticated and user.has_perm(OFFICE_PERMISSION))


def office_user_ids():
    User = get_user_model()
    perm = Q(groups__permissions__codename="manage_records", groups__permissions__content_type__app_label="records")
    perm |= Q(user_permissions__codename="manage_records", user_permissions__content_type__app_label="records")
    return list(User.objects.filter(perm, is_active=True, is_superuser=False).distinct().values_list("pk", flat=True))


def template_applies(template, profile):
    if template.applies_to_all_staff:
        return True
    return profile.post_category != PostCategory.NONE and profile.post_category in (template.post_categories or [])


@transaction.atomic
def template_publish(*, actor, template):
    """Record the template's text as a new version if it changed; then deliver it to everyone it applies to."""
    current = template.current_version
    if current is not None and current.body == template.body:
        return current
    version = AgreementTemplateVersion.objects.create(
        template=template,
        number=(current.number + 1) if current else 1,
        body=template.body,
        text_sha256=sha256_text(template.body),
        published_by=actor,
    )
    log(instance=template, action="records.template_publish", user=actor, data={"version": version.number})
    transaction.on_commit(lambda: _assign_all())
    return version


def _assign_all():
    from records.tasks import agreements_assign_task

    agreements_assign_task.delay()


def agreements_assign(*, user_ids=None, day=None):
    """Signing tasks for everyone (or `user_ids`) an active template applies to and who has none yet. Idempotent."""
    from portal.models import SecurityProfile

    day = day or timezone.localdate()
    templates = list(AgreementTemplate.objects.filter(active=True, versions__isnull=False).distinct())
    profiles = SecurityProfile.objects.filter(user__is_active=True, left_on__isnull=True)
    if user_ids is not None:
        profiles = profiles.filter(user_id__in=user_ids)
    have = set(Agreement.objects.filter(user_id__in=profiles.values("user_id")).values_list("user_id", "template_id"))
    new = []
    for profile in profiles.only("user_id", "post_category"):
        for template in templates:
            if (profile.user_id, template.pk) not in have and template_applies(template, profile):
                new.append(
                    Agreement(
                        user_id=profile.user_id,
                        template=template,
                        due_on=day + datetime.timedelta(days=setting("AGREEMENT_DUE_DAYS")),
                    )
                )
    Agreement.objects.bulk_create(new, ignore_conflicts=True)
    counts = {}
    for agreement in new:
        counts[agreement.user_id] = counts.get(agreement.user_id, 0) + 1
    notify_users(
        kind="records.agreement_due",
        messages={uid: _("You have %(count)s agreement(s) to sign.") % {"count": n} for uid, n in counts.items()},
        url="/records/",
    )
    return len(new)


@transaction.atomic
def agreement_sign(*, request, agreement_id, token, confirmed, version_id):
    """The signed-in user signs their own open agreement. Needs a fresh OTP code; the result can never change.

    `version_id` is the version the signer was shown: if 保密办 published another since, nothing is signed, so
    nobody agrees to a text they have not read."""
    user = request.user
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("template", "user__security_profile")
        .filter(pk=agreement_id, user=user, signed_at__isnull=True)
        .first()
    )
    if agreement is None or not template_applies(agreement.template, user.security_profile):
        raise PermissionDenied
    if not confirmed:
        raise AgreementError(_("Tick 「本人已阅读并同意」 to sign."))
    version = agreement.template.current_version
    if version is None:
        raise PermissionDenied
    if str(version.pk) != str(version_id or ""):
        raise AgreementError(
            _("The agreement text has changed since you opened it. Read the current version and sign again.")
        )
    device = step_up_verify(request=request, token=token)
    if device is None:
        raise AgreementError(_("The authenticator code is not valid. The agreement was not signed."))
    return signature_write(
        agreement=agreement, version=version, device=device, ip_address=access.client_ip(request), user=user
    )


def signature_write(*, agreement, version, device, ip_address, user):
    """Snapshot the text and seal the record; callers have verified the signer's step-up."""
    agreement.version = version
    agreement.text_snapshot = version.body
    agreement.text_sha256 = version.text_sha256
    agreement.signed_at = timezone.now()
    agreement.otp_device_id = device.persistent_id
    agreement.ip_address = ip_address
    agreement.signature_sha256 = sha256_text(agreement.signature_payload())
    agreement.save()
    log(
        instance=agreement,
        action="records.agreement_sign",
        user=user,
        data={"template": agreement.template_id, "version": version.number, "sha256": version.text_sha256},
    )
    return agreement


# --- 竞业限制 ----------------------------------------------------------------------------------------------------


def noncompete_findings(term):
    """What the 条例 changes in these terms: a list of (code, message) for 保密办 and the person's 档案."""
    findings = []
    if term.term_too_long:
        findings.append(
            (
                "term",
                _(
                    "The agreed term ends after %(legal)s: the part beyond two years is void; "
                    "effective until %(effective)s (%(citation)s)."
                )
                % {"legal": term.legal_end, "effective": term.effective_until, "citation": citation("003", "二十三")},
            )
        )
    if term.agreed_until is None:
        findings.append(("no_term", _("No fixed term: either side may end it with one month's notice.")))
    if term.compensation_too_low:
        findings.append(
            (
                "compensation",
                _("Compensation below half the average monthly wage, or none: computed at %(amount)s (%(citation)s).")
                % {"amount": term.effective_compensation, "citation": citation("003", "二十四")},
            )
        )
    return findings


@transaction.atomic
def noncompete_record(*, actor, user, **fields):
    """保密办/HR record a person's 竞业限制 terms; anything over the legal limits is flagged and told to 保密办."""
    if not is_office(actor):
        raise PermissionDenied
    term = NonCompeteTerm(user=user, created_by=actor, **fields)
    term.full_clean()
    term.save()
    findings = noncompete_findings(term)
    log(
        instance=term,
        action="records.noncompete_record",
        user=actor,
        data={"user_id": user.pk, "flags": [code for code, _message in findings]},
    )
    flagged = [code for code, _message in findings if code in {"term", "compensation"}]
    if flagged:
        notify_users(
            kind="records.noncompete_flag",
            messages={
                uid: _("A non-compete agreement exceeds the legal limits and was adjusted.")
                for uid in office_user_ids()
            },
            url="/records/office/",
        )
    return term


def template_conflicts():
    """O05/O43: active 竞业限制 templates whose text keeps the company rule's 三年, with both clauses quoted."""
    company_seed, company_label, company_words = NONCOMPETE_TERM_CONFLICT["company"]
    statute_seed, statute_label, _words = NONCOMPETE_TERM_CONFLICT["statute"]
    conflicts = []
    for template in AgreementTemplate.objects.filter(kind=AgreementKind.NONCOMPETE, active=True):
        if company_words in template.body:
            conflicts.append(
                {
                    "template": template,
                    "company_citation": citation(company_seed, company_label),
                    "company_text": seed_article(company_seed, company_label),
                    "statute_citation": citation(statute_seed, statute_label),
                    "statute_text": seed_article(statute_seed, statute_label),
                }
            )
    return conflicts
