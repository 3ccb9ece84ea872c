from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def chains_after_migrate(sender, using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    """The default chains exist wherever the portal runs, not only with demo data. Runs after every migrate and
    only fills in what is missing (an admin's changes to a chain are kept)."""
    if using != DEFAULT_DB_ALIAS:
        return
    if apps is None:  # flush sends the signal without the migration state
        from django.apps import apps
    try:
        apps.get_model("reviews", "ReviewChain")
        apps.get_model("wagtailcore", "Workflow")
    except LookupError:  # migrated back to before the reviews tables: nothing to fill in
        return
    from .chains import chains_ensure

    chains_ensure(create_office_group=False)


def office_group_created(sender, instance, created, raw=False, **kwargs):
    from .models import OFFICE_GROUP

    if created and not raw and instance.name == OFFICE_GROUP:
        from .chains import office_group_attach

        office_group_attach(instance)


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Secrecy reviews")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.models import Group

        # A post_migrate receiver rather than a data migration: the steps are Wagtail Task subclasses whose
        # creation needs the real models (content types of specific tasks, group M2M), and the chain follows
        # settings (PUBLICATION_REQUIRES_LEADER, group names) at deploy time; re-running fills in what is missing.
        post_migrate.connect(chains_after_migrate, sender=self, dispatch_uid="reviews.chains_after_migrate")
        post_save.connect(office_group_created, sender=Group, dispatch_uid="reviews.office_group_created")
