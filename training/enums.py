from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    FILL_IN = "fill_in", _("Fill in the blank")


class CourseKind(models.TextChoices):
    GENERAL = "general", _("General")
    ANNUAL = "annual", _("Annual all-staff training")
    NEW_HIRE = "new_hire", _("New-hire training")
    PRE_POST = "pre_post", _("Training before a classified post")
    LEADERS = "leaders", _("Leaders' training")
    DRILL = "drill", _("Emergency drill")


class RuleKind(models.TextChoices):
    ANNUAL = "annual", _("All staff, every year")
    NEW_HIRE = "new_hire", _("New hires, within days of hire")
    CLASSIFIED_POST = "classified_post", _("Moving into a classified post, before it starts")
    DEPARTMENT = "department", _("Departments")
    POST_CATEGORY = "post_category", _("Post categories")
    AD_HOC = "ad_hoc", _("Named people")


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    GRADED = "graded", _("Graded")


class AssignmentStatus(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed yet")
    PENDING = "pending", _("To do")
    OVERDUE = "overdue", _("Past due")


class ContentArea(models.TextChoices):
    """The ten areas of 保密宣传教育 (保密宣传教育制度 第五条); courses, lessons and question categories carry one."""

    POLICY = "policy", _("Party and state policy on secrecy work")
    LAW = "law", _("Secrecy laws, regulations and rules of the higher authorities")
    RULES = "rules", _("The organisation's own secrecy rules")
    BASICS = "basics", _("Basic knowledge of secrecy management")
    CLASSIFICATION = "classification", _("Secrecy scope, classification, level changes and declassification")
    TECHNICAL = "technical", _("Technical protection knowledge and measures")
    NETWORK = "network", _("Computer system and network security")
    THREATS = "threats", _("The secrecy and counter-espionage situation")
    CASES = "cases", _("Exemplary work and typical leak cases")
    OTHER = "other", _("Other content set by the higher secrecy authority")
