from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_plone_import_log_actions(actions):
    actions.register_action("plone_import.import", _("Import from Plone"), _("Imported from Plone"))
    actions.register_action("plone_import.user", _("Import a Plone user"), _("Plone user imported"))
