"""「您是不是要找」: a typo is corrected only towards words the reader can actually find."""

import pytest

from portal.enums import Clearance

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(page_at, indexed):
    def build():
        page_at(clearance=Clearance.INTERNAL, title="保密期限的确定", kind="article")
        page_at(clearance=Clearance.CONFIDENTIAL, title="竞业限制补偿标准", kind="article")

    indexed(build)


def test_a_typo_that_finds_nothing_is_offered_the_word_the_regulations_use(pages, user_with, verified_client):
    """O01 深圳条例 第十一条: staff who mistype 保密期限 as 保蜜期限 are pointed to the published text."""
    client = verified_client(user_with(Clearance.INTERNAL))
    response = client.get("/search/", {"q": "保蜜期限"})
    assert "您是不是要找" in response.content.decode()
    assert response.context["did_you_mean"] == "保密期限"
    data = client.get("/search/api/", {"q": "保蜜期限"}).json()
    assert data["did_you_mean"] == "保密期限"
    # The correction itself finds the page.
    assert client.get("/search/api/", {"q": data["did_you_mean"]}).json()["total"] == 1


def test_no_correction_points_at_a_word_only_a_higher_clearance_can_find(pages, user_with, verified_client):
    """O21 深圳条例 第十二条(一) 限定涉密信息的知悉范围: 竟业限制 → 竞业限制 is offered to a 机密 reader only;
    a 内部 reader learns nothing about the 机密 page, not even that the word exists."""
    low = verified_client(user_with(Clearance.INTERNAL)).get("/search/api/", {"q": "竟业限制"}).json()
    assert (low["total"], low["did_you_mean"]) == (0, "")
    high = verified_client(user_with(Clearance.CONFIDENTIAL)).get("/search/api/", {"q": "竟业限制"}).json()
    assert high["did_you_mean"] == "竞业限制"


def test_the_web_api_gives_no_scores(pages, user_with, verified_client):
    """A score computed over documents the reader cannot see would hint at them; the API leaves it out."""
    data = verified_client(user_with(Clearance.INTERNAL)).get("/search/api/", {"q": "保密期限"}).json()
    assert data["hits"]
    assert all("score" not in hit for hit in data["hits"])


def test_a_correct_query_that_finds_something_gets_no_correction(pages, user_with, verified_client):
    data = verified_client(user_with(Clearance.INTERNAL)).get("/search/api/", {"q": "保密期限"}).json()
    assert data["total"] == 1
    assert data["did_you_mean"] == ""
