import django.db.models.deletion
import modelcluster.fields
import modelsearch.index
import wagtail.images.models
import wagtail.models.content_types
import wagtail.models.media
import wagtail.models.preview
import wagtail.models.specific
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 1 of Wagtail's base-page pattern: the page table without its wagtailcore foreign keys."""

    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Department",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "name",
                    models.CharField(max_length=100, unique=True, verbose_name="name"),
                ),
                (
                    "code",
                    models.SlugField(max_length=32, unique=True, verbose_name="code"),
                ),
                (
                    "group",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="department",
                        to="auth.group",
                    ),
                ),
            ],
            options={
                "verbose_name": "department",
                "verbose_name_plural": "departments",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="PortalPage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "clearance",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Internal"),
                            (1, "Secret"),
                            (2, "Confidential"),
                            (3, "Top secret"),
                        ],
                        db_index=True,
                        default=0,
                        verbose_name="classification",
                    ),
                ),
                (
                    "secrecy_term",
                    models.CharField(
                        blank=True,
                        help_text="E.g. 5年, 长期, 至公开为止. Required for 秘密 and above.",
                        max_length=32,
                        verbose_name="secrecy term",
                    ),
                ),
                (
                    "secrecy_until",
                    models.DateField(blank=True, null=True, verbose_name="secret until"),
                ),
                (
                    "classification_basis",
                    models.CharField(blank=True, max_length=255, verbose_name="classification basis"),
                ),
                (
                    "effective_clearance",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Internal"),
                            (1, "Secret"),
                            (2, "Confidential"),
                            (3, "Top secret"),
                        ],
                        db_index=True,
                        default=0,
                        editable=False,
                    ),
                ),
                (
                    "effective_scope",
                    models.CharField(blank=True, default="", editable=False, max_length=1024),
                ),
                ("path", models.CharField(max_length=255, unique=True)),
                ("depth", models.PositiveIntegerField()),
                ("numchild", models.PositiveIntegerField(default=0)),
                (
                    "live",
                    models.BooleanField(default=True, editable=False, verbose_name="live"),
                ),
                (
                    "has_unpublished_changes",
                    models.BooleanField(
                        default=False,
                        editable=False,
                        verbose_name="has unpublished changes",
                    ),
                ),
                (
                    "first_published_at",
                    models.DateTimeField(
                        blank=True,
                        db_index=True,
                        null=True,
                        verbose_name="first published at",
                    ),
                ),
                (
                    "last_published_at",
                    models.DateTimeField(editable=False, null=True, verbose_name="last published at"),
                ),
                (
                    "go_live_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="go live date/time"),
                ),
                (
                    "expire_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="expiry date/time"),
                ),
                (
                    "expired",
                    models.BooleanField(default=False, editable=False, verbose_name="expired"),
                ),
                (
                    "locked",
                    models.BooleanField(default=False, editable=False, verbose_name="locked"),
                ),
                (
                    "locked_at",
                    models.DateTimeField(editable=False, null=True, verbose_name="locked at"),
                ),
                (
                    "title",
                    models.CharField(
                        help_text="The page title as you'd like it to be seen by the public",
                        max_length=255,
                        verbose_name="title",
                    ),
                ),
                ("draft_title", models.CharField(editable=False, max_length=255)),
                (
                    "slug",
                    models.SlugField(
                        allow_unicode=True,
                        help_text="The name of the page as it will appear in URLs e.g http://domain.com/blog/[my-slug]/",
                        max_length=255,
                        verbose_name="slug",
                    ),
                ),
                (
                    "url_path",
                    models.TextField(blank=True, editable=False, verbose_name="URL path"),
                ),
                (
                    "latest_revision_created_at",
                    models.DateTimeField(
                        editable=False,
                        null=True,
                        verbose_name="latest revision created at",
                    ),
                ),
                (
                    "show_in_menus",
                    models.BooleanField(
                        default=False,
                        help_text="Whether a link to this page will appear in automatically generated menus",
                        verbose_name="show in menus",
                    ),
                ),
                (
                    "seo_title",
                    models.CharField(
                        blank=True,
                        help_text="The name of the page displayed on search engine results as the clickable headline.",
                        max_length=255,
                        verbose_name="title tag",
                    ),
                ),
                (
                    "search_description",
                    models.TextField(
                        blank=True,
                        help_text="The descriptive text displayed underneath a headline in search engine results.",
                        verbose_name="meta description",
                    ),
                ),
                (
                    "alias_of",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="aliases",
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
                (
                    "classifier",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="classification officer",
                    ),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=models.SET(wagtail.models.content_types.get_default_page_content_type),
                        related_name="pages",
                        to="contenttypes.contenttype",
                        verbose_name="content type",
                    ),
                ),
                (
                    "locked_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="locked_%(class)ss",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="locked by",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="owned_pages",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                (
                    "scope",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        help_text="Departments or groups allowed to read. Empty = everyone with the clearance.",
                        related_name="+",
                        to="auth.group",
                        verbose_name="need-to-know scope",
                    ),
                ),
            ],
            options={
                "verbose_name": "page",
                "verbose_name_plural": "pages",
                "permissions": [
                    ("bulk_delete_portalpage", "Delete pages with children"),
                    ("lock_portalpage", "Lock/unlock pages you've locked"),
                    ("publish_portalpage", "Publish any page"),
                    ("unlock_portalpage", "Unlock any page"),
                ],
            },
            bases=(
                wagtail.models.preview.PreviewableMixin,
                wagtail.models.specific.SpecificMixin,
                modelsearch.index.Indexed,
                models.Model,
            ),
        ),
        migrations.CreateModel(
            name="ReadAuditEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "object_id",
                    models.CharField(max_length=64, verbose_name="object id"),
                ),
                (
                    "clearance",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Internal"),
                            (1, "Secret"),
                            (2, "Confidential"),
                            (3, "Top secret"),
                        ],
                        verbose_name="classification",
                    ),
                ),
                (
                    "action",
                    models.CharField(default="view", max_length=32, verbose_name="action"),
                ),
                (
                    "ip_address",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
                ),
                (
                    "timestamp",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time"),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="type",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "classified read",
                "verbose_name_plural": "classified reads",
                "ordering": ["-timestamp"],
                "indexes": [models.Index(fields=["content_type", "object_id"], name="readaudit_object")],
            },
        ),
        migrations.CreateModel(
            name="SecurityProfile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "clearance",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Internal"),
                            (1, "Secret"),
                            (2, "Confidential"),
                            (3, "Top secret"),
                        ],
                        default=0,
                        verbose_name="clearance",
                    ),
                ),
                (
                    "post_category",
                    models.CharField(
                        choices=[
                            ("core", "Core classified post"),
                            ("important", "Important classified post"),
                            ("general", "General classified post"),
                            ("none", "Non-classified post"),
                        ],
                        default="none",
                        max_length=16,
                        verbose_name="post category",
                    ),
                ),
                (
                    "employee_no",
                    models.CharField(blank=True, max_length=32, verbose_name="employee number"),
                ),
                (
                    "hire_date",
                    models.DateField(blank=True, null=True, verbose_name="hire date"),
                ),
                (
                    "post_changed_on",
                    models.DateField(blank=True, null=True, verbose_name="post change date"),
                ),
                (
                    "left_on",
                    models.DateField(blank=True, null=True, verbose_name="leave date"),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="portal.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="security_profile",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "security profile",
                "verbose_name_plural": "security profiles",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("employee_no", ""), _negated=True),
                        fields=("employee_no",),
                        name="unique_employee_no",
                    )
                ],
            },
        ),
    ]
