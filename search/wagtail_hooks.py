"""Admin: 保密办 maintains the search thesaurus (term → the words the regulations use), with Wagtail's model viewset."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from search.models import ThesaurusEntry


class ThesaurusViewSet(ModelViewSet):
    model = ThesaurusEntry
    icon = "search"
    menu_label = _("Search thesaurus")
    add_to_admin_menu = True
    menu_order = 170
    form_fields = ["term", "synonyms", "two_way", "weight", "note"]
    list_display = ["term", "synonyms", "two_way", "weight", "updated_at"]
    search_fields = ["term", "synonyms"]
    list_filter = ["two_way"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_thesaurus_viewset():
    return ThesaurusViewSet("search_thesaurus")
