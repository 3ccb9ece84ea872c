"""A person takes the course quiz in a real browser: answers are saved as they go, survive a reload, the quiz is
submitted and passed, and the certificate downloads as a PDF."""

import pytest
from playwright.sync_api import expect

from training.enums import QuestionKind
from training.models import Attempt, CoursePage, Question, QuestionCategory, TrainingIndexPage
from training.services.bank import question_save

from .test_login_journey import heading, sign_in_enrolled, ui

pytestmark = pytest.mark.e2e

TITLE = "年度全员保密培训"
QUESTIONS = [
    (QuestionKind.SINGLE, "技术保密工作小组的组长由谁担任？", ["主管技术的领导", "人事部门负责人", "档案管理员"], [0]),
    (QuestionKind.MULTIPLE, "载有技术秘密的资料应当如何处理？", ["注明密级字样", "采取保密措施", "随意放置"], [0, 1]),
    (QuestionKind.TRUE_FALSE, "保护技术秘密是每位职工的义务。", [], [0]),
    (QuestionKind.FILL_IN, "对外合作涉及技术秘密的，应签订____。", [], ["保密协议"]),
]


@pytest.fixture
def course(portal):
    category = QuestionCategory.objects.create(name="法规制度", code="rules")
    for kind, text, options, answer in QUESTIONS:
        question_save(
            actor=None, question=Question(category=category), kind=kind, text=text, options=options, answer=answer
        )
    index = TrainingIndexPage(title="保密培训", slug="peixun", show_in_menus=True)
    portal.home.add_child(instance=index)
    index.save_revision().publish()
    page = CoursePage(title=TITLE, slug="annual", quiz_question_count=4, quiz_pass_mark=80)
    index.add_child(instance=page)
    page.quiz_categories = [category]
    page.save_revision().publish()
    return page


def _answer(page, text, kind, options, answer):
    box = page.locator("fieldset.question", has_text=text)
    if kind == QuestionKind.FILL_IN:
        field = box.get_by_role("textbox")
        field.fill(answer[0])
        field.blur()
    else:
        labels = options or ["正确", "错误"]
        for index in answer:
            box.get_by_label(labels[index], exact=True).check()
    expect(box.locator(".saved")).to_have_text("✓")


def test_a_person_takes_and_passes_the_quiz_and_downloads_the_certificate(portal, make_user, browser_page, course):
    """O58 保密宣传教育制度 第六条二 (知识答卷 graded on the server), O61 (the pass is recorded with a certificate)."""
    person = make_user(enrolled=True)
    page = sign_in_enrolled(browser_page, portal, person)
    page.goto(course.url)
    expect(heading(page)).to_have_text(TITLE)
    page.get_by_role("button", name=ui("Start the quiz")).click()

    first, *rest = QUESTIONS
    _answer(page, first[1], *[first[0], first[2], first[3]])
    page.reload()  # a crash: the saved answer is still there, the attempt resumes
    expect(page.locator("fieldset.question", has_text=first[1]).get_by_label(first[2][0], exact=True)).to_be_checked()
    for kind, text, options, answer in rest:
        _answer(page, text, kind, options, answer)
    page.get_by_role("button", name=ui("Submit answers")).click()

    expect(page.get_by_text("成绩：100.0")).to_be_visible()
    expect(page.get_by_text(ui("All answers were correct."))).to_be_visible()
    attempt = Attempt.objects.get(user=person.user)
    assert attempt.passed and attempt.certificate.code
    with page.expect_download() as download_info:
        page.get_by_role("link", name=ui("Download certificate")).click()
    download = download_info.value
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
