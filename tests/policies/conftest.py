import itertools

import pytest

from policies.models import PolicyIndexPage, RegulationPage

_slugs = itertools.count(1)

DEFAULT_ARTICLES = [
    ("第一条", "为保护本单位的技术秘密，制定本规定。"),
    ("第二条", "保护本单位的技术秘密是每位职工的义务和责任。"),
    ("第三条", "涉密资料应当登记借阅。\n（一）借阅须经批准；\n（二）到期归还。"),
]


def body_of(articles, chapter=("第一章", "总则")):
    stream = [("chapter", {"label": chapter[0], "title": chapter[1]})] if chapter else []
    stream += [("article", {"label": label, "clauses": text.split("\n"), "elements": []}) for label, text in articles]
    return stream


@pytest.fixture
def policy_index(home):
    index = PolicyIndexPage(title="保密制度", slug="zhidu", show_in_menus=True)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """publish(page, user=None, **changes): set fields, save a revision and publish it, running on-commit tasks."""

    def run(page, *, user=None, articles=None, **changes):
        if articles is not None:
            page.body = body_of(articles)
        for name, value in changes.items():
            setattr(page, name, value)
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision(user=user).publish(user=user, skip_permission_checks=True)
        page.refresh_from_db()
        return page

    return run


@pytest.fixture
def regulation(policy_index, publish):
    """regulation(title=..., articles=[(label, text)], **fields) → a published regulation (version 1 fanned out)."""

    def make(title=None, articles=DEFAULT_ARTICLES, **fields):
        departments = fields.pop("audience_departments", None)
        page = RegulationPage(
            title=title or f"保密制度{next(_slugs)}", slug=f"reg-{next(_slugs)}", body=body_of(articles)
        )
        for name, value in fields.items():
            setattr(page, name, value)
        if departments is not None:
            page.audience_departments = departments
        policy_index.add_child(instance=page)
        return publish(page)

    return make
