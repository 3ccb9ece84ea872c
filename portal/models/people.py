from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.enums import Clearance, PostCategory


class Department(models.Model):
    """A department. Its members are kept in `group`, so a 知悉范围 of groups covers departments and project teams."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="department", editable=False)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("department head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments_headed",
        help_text=_("Receives escalations of the department's overdue items."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SecurityProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_profile")
    clearance = models.PositiveSmallIntegerField(_("clearance"), choices=Clearance.choices, default=Clearance.INTERNAL)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    post_category = models.CharField(
        _("post category"), max_length=16, choices=PostCategory.choices, default=PostCategory.NONE
    )
    employee_no = models.CharField(_("employee number"), max_length=32, blank=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    post_changed_on = models.DateField(_("post change date"), null=True, blank=True)
    left_on = models.DateField(_("leave date"), null=True, blank=True)

    class Meta:
        verbose_name = _("security profile")
        verbose_name_plural = _("security profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["employee_no"], condition=~models.Q(employee_no=""), name="unique_employee_no"
            )
        ]

    def __str__(self):
        return str(self.user)
