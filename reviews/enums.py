from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    """The six kinds of 保密审查 the seeds require (obligations §2.1–§2.6)."""

    PUBLICATION = "publication", _("External publication")
    PATENT = "patent", _("Patent application")
    EXCHANGE = "exchange", _("Academic exchange or trip abroad")
    EXHIBITION = "exhibition", _("Exhibition")
    VISIT = "visit", _("Visitor reception")
    DISCLOSURE = "disclosure", _("Providing technical material or cooperation")


# Kinds whose approval carries a 审查意见 reference number the requester quotes (000 第十六条, 第二十条).
REFERENCED_KINDS = {ReviewKind.PUBLICATION, ReviewKind.EXHIBITION}


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DecisionAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    RESUBMIT = "resubmit", _("Resubmitted after changes")
    COMMENT = "comment", _("Comment")
    APPROVE = "approve", _("Approved")
    REQUEST_CHANGES = "request_changes", _("Changes requested")
    REJECT = "reject", _("Rejected")


class StepRole(models.TextChoices):
    DEPARTMENT_HEAD = "dept_head", _("Department head")
    DEPARTMENT_OFFICER = "dept_officer", _("Department secrecy officer")
    SECRECY_OFFICE = "office", _("Secrecy office")
    LEADER = "leader", _("Leader in charge")
    EXPERT = "expert", _("Expert review")
