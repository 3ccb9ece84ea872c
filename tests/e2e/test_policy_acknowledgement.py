"""A person signs (签收) a regulation in a real browser and sees it leave the to-do list on their desk."""

import pytest
from playwright.sync_api import expect

from policies.models import Acknowledgement, PolicyIndexPage, RegulationPage
from tests.policies.conftest import body_of

from .test_login_journey import heading, sign_in_enrolled, ui

pytestmark = pytest.mark.e2e

TITLE = "技术保密管理规定"


@pytest.fixture
def published_regulation(portal):
    index = PolicyIndexPage(title="保密制度", slug="zhidu", show_in_menus=True)
    portal.home.add_child(instance=index)
    index.save_revision().publish()

    def publish():
        page = RegulationPage(
            title=TITLE,
            slug="jishu-baomi",
            body=body_of(
                [("第一条", "为保护本单位的技术秘密，制定本规定。"), ("第二条", "保护技术秘密是每位职工的义务。")]
            ),
        )
        index.add_child(instance=page)
        page.save_revision().publish(skip_permission_checks=True)  # eager tasks: the fan-out runs on commit
        return page

    return publish


def test_a_person_reads_a_regulation_acknowledges_it_and_it_leaves_the_desk(
    portal, make_user, browser_page, published_regulation
):
    """O03 深圳条例 第十三条: delivered, read, confirmed 「本人已阅读并理解」, recorded."""
    person = make_user(enrolled=True)
    regulation = published_regulation()
    page = sign_in_enrolled(browser_page, portal, person)

    todo = page.get_by_role("region", name=ui("To acknowledge"))
    expect(todo).to_be_visible()
    todo.get_by_role("link", name=TITLE).click()

    expect(heading(page)).to_have_text(TITLE)
    expect(page.get_by_text("第一条", exact=True)).to_be_visible()
    button = page.get_by_role("button", name=ui("Acknowledge"))
    page.get_by_label("本人已阅读并理解").check()
    button.click()

    expect(page.get_by_text(ui("Acknowledged. Thank you."))).to_be_visible()
    ack = Acknowledgement.objects.get(user=person.user, version__regulation=regulation)
    assert ack.acknowledged_at is not None and ack.text_sha256

    page.goto("/")
    expect(heading(page)).to_have_text(portal.home.title)
    expect(page.get_by_role("region", name=ui("To acknowledge"))).to_have_count(0)
