import itertools

import pytest

from policies.models import PolicyIndexPage, RegulationPage
from tests.policies.conftest import body_of
from training.enums import QuestionKind
from training.models import ContestPage, CoursePage, Question, QuestionCategory, TrainingIndexPage
from training.services.bank import question_save

_n = itertools.count(1)

SOURCE_ARTICLES = [
    ("第二条", "保护本单位的技术秘密是每位职工的义务和责任。"),
    ("第七条", "必须注明保密和密级字样，并根据密级采取保密措施。"),
    ("第十六条", "其稿件必须经技术保密主管部门审查，签字认可方可发表。"),
]


@pytest.fixture
def source_regulation(home):
    index = PolicyIndexPage(title="保密制度", slug="zhidu")
    home.add_child(instance=index)
    index.save_revision().publish()
    page = RegulationPage(title="技术保密管理规定", slug="jishu", body=body_of(SOURCE_ARTICLES), ack_required=False)
    index.add_child(instance=page)
    page.save_revision().publish(skip_permission_checks=True)
    page.refresh_from_db()
    return page


@pytest.fixture
def training_index(home):
    index = TrainingIndexPage(title="保密培训", slug="peixun")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def category(db):
    return QuestionCategory.objects.create(name="法规制度", code="rules")


@pytest.fixture
def make_question(category):
    """make_question(kind, options, answer, clearance=0, text=None, **version fields) → Question (version 1)."""

    def make(kind=QuestionKind.SINGLE, options=None, answer=(0,), *, clearance=0, cat=None, **extra):
        n = next(_n)
        options = options or [f"选项{n}{letter}" for letter in "甲乙丙丁"]
        question = Question(
            category=cat or category,
            clearance=clearance,
            secrecy_term="5年" if clearance else "",
            classification_basis="测试定密依据" if clearance else "",
        )
        return question_save(
            actor=None,
            question=question,
            kind=kind,
            text=extra.pop("text", None) or f"题目{n}",
            options=list(options) if kind != QuestionKind.FILL_IN else [],
            answer=list(answer),
            **extra,
        )

    return make


def _publish(parent, page, categories):
    parent.add_child(instance=page)
    page.quiz_categories = list(categories)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def make_course(training_index, category):
    """make_course(clearance=0, questions=4, time=30, attempts=3, pass_mark=80, categories=None) → published course."""

    def make(*, clearance=0, questions=4, time=30, attempts=3, pass_mark=80, categories=None, title=None, **extra):
        course = CoursePage(
            title=title or f"课程{next(_n)}",
            slug=f"course-{next(_n)}",
            clearance=clearance,
            secrecy_term="5年" if clearance else "",
            classification_basis="测试定密依据" if clearance else "",
            quiz_question_count=questions,
            quiz_time_limit_minutes=time,
            quiz_attempt_limit=attempts,
            quiz_pass_mark=pass_mark,
            **extra,
        )
        return _publish(training_index, course, categories or [category])

    return make


@pytest.fixture
def make_contest(training_index, category):
    import datetime

    from django.utils import timezone

    from training.models import CampaignPage

    def make(*, campaign=None, clearance=0, opens=-1, closes=1, questions=2):
        if campaign is None:
            campaign = CampaignPage(title=f"宣传月{next(_n)}", slug=f"campaign-{next(_n)}")
            training_index.add_child(instance=campaign)
            campaign.save_revision().publish()
        now = timezone.now()
        contest = ContestPage(
            title=f"知识竞赛{next(_n)}",
            slug=f"contest-{next(_n)}",
            clearance=clearance,
            secrecy_term="5年" if clearance else "",
            classification_basis="测试定密依据" if clearance else "",
            opens_at=now + datetime.timedelta(days=opens),
            closes_at=now + datetime.timedelta(days=closes),
            quiz_question_count=questions,
            quiz_attempt_limit=1,
        )
        return _publish(campaign, contest, [category])

    return make


def right_choice(item):
    """The display positions of the correct options of an attempt item."""
    return [item.option_order.index(i) for i in item.question_version.answer]
