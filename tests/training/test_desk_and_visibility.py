"""我的培训 on the home page, and a classified course invisible to lower clearances in every listing."""

import datetime

from django.urls import reverse
from django.utils import timezone

from training.models import Assignment


def _assign(user, course, **fields):
    return Assignment.objects.create(
        user=user,
        course=course,
        cycle=fields.pop("cycle", 2026),
        key="annual:2026",
        due_on=fields.pop("due_on", datetime.date(2026, 12, 31)),
        **fields,
    )


def test_the_home_page_shows_my_training_with_due_date_status_and_score(home, user_with, verified_client, make_course):
    """O54 保密宣传教育制度 第六条六、1: the assignment shows on the person's home page, overdue once past due."""
    home.save_revision().publish()
    course = make_course(questions=1, title="新进岗位保密培训")
    done = make_course(questions=1, title="年度全员保密培训")
    user = user_with(0)
    _assign(user, course, due_on=timezone.localdate() - datetime.timedelta(days=1))
    _assign(user, done, passed_at=timezone.now(), best_score=92, cycle=timezone.localdate().year)
    html = verified_client(user).get(home.url).content.decode()
    assert "我的培训" in html
    assert "新进岗位保密培训" in html and "已逾期" in html
    assert "年度全员保密培训" in html and "92" in html and "已通过" in html


def test_a_classified_course_is_invisible_to_a_lower_clearance_everywhere(
    home, training_index, user_with, verified_client, make_course
):
    """O21 深圳条例 第十二条(一): listings, the desk, my training, the course URL."""
    home.save_revision().publish()
    open_course = make_course(questions=1, title="年度全员保密培训")
    secret = make_course(questions=1, clearance=2, title="星河项目专门培训")
    user = user_with(1)
    _assign(user, open_course)
    Assignment.objects.create(user=user, course=secret, cycle=2026, key="rule:1", due_on=datetime.date(2026, 12, 1))
    client = verified_client(user)
    for url in (home.url, training_index.url, reverse("training:mine"), reverse("training:record")):
        html = client.get(url).content.decode()
        assert "星河项目专门培训" not in html, url
    assert "年度全员保密培训" in client.get(training_index.url).content.decode()
    denied = client.get(secret.url)
    assert denied.status_code == 403 and "no-cache" in denied["Cache-Control"]
    cleared = verified_client(user_with(2))
    assert "星河项目专门培训" in cleared.get(training_index.url).content.decode()


def test_a_lesson_quotes_and_links_the_policy_article(home, user_with, verified_client, make_course, source_regulation):
    from training.models import LessonPage

    course = make_course(questions=1)
    lesson = LessonPage(
        title="第一课",
        slug="lesson-1",
        body=[
            (
                "policy_article",
                {"regulation": source_regulation, "article": "第七条", "quote": "必须注明保密和密级字样"},
            )
        ],
    )
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    html = verified_client(user_with(0)).get(lesson.url).content.decode()
    assert f'href="{source_regulation.url}第七条/"' in html and "必须注明保密和密级字样" in html


def test_the_dossier_section_lists_the_training_record(user_with, make_course):
    """O61: the 保密档案 gets a training section through the DOSSIER_SECTIONS hook."""
    from portal.hooks import dossier_sections

    course = make_course(questions=1, title="年度全员保密培训")
    person = user_with(0)
    _assign(person, course)
    viewer = user_with(2)
    viewer.is_verified = lambda: True
    sections = {s.key: s for s in dossier_sections(person=person, viewer=viewer)}
    assert sections["training"].rows[0][1] == "年度全员保密培训"
