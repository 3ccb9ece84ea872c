"""Outsider attacks on the training app over real HTTP: other people's attempts, forged answers, classified
questions and courses reached by id, CSRF and methods, the certificate check and the Excel import."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from training.enums import AttemptStatus, QuestionKind
from training.exports import BANK_COLUMNS
from training.models import Attempt, AttemptItem, Certificate, Question
from training.services.certificates import CODE_ALPHABET
from training.services.importing import bank_import

from .conftest import right_choice
from .test_bank_import import _xlsx


@pytest.fixture
def quiz(make_question, make_course):
    for n in range(4):
        make_question(QuestionKind.SINGLE, answer=[n % 4])
    return make_course(questions=4, attempts=2, pass_mark=75)


def _start(client, page):
    response = client.post(reverse("training:start", args=[page.pk]))
    assert response.status_code == 302, response.content
    return Attempt.objects.filter(page=page).latest("pk")


def _never_cached(response):
    return "no-cache" in response.get("Cache-Control", "") or "no-store" in response.get("Cache-Control", "")


def test_another_users_attempt_is_refused_on_every_url(user_with, verified_client, quiz):
    """O58: an attempt id belongs to its taker: another user gets a never-cached 403 on the quiz, autosave, submit,
    result and certificate, and the owner's attempt is left untouched."""
    owner, intruder = user_with(0), user_with(3)
    owner_client = verified_client(owner)
    attempt = _start(owner_client, quiz)
    item = attempt.items.select_related("question_version").first()
    client = verified_client(intruder)
    for name, method, data in [
        ("training:attempt", "get", None),
        ("training:result", "get", None),
        ("training:answer", "post", {"question": item.question_version_id, "choice": right_choice(item)}),
        ("training:submit", "post", {f"q{item.question_version_id}": right_choice(item)}),
    ]:
        response = getattr(client, method)(reverse(name, args=[attempt.pk]), data)
        assert response.status_code == 403, name
        assert _never_cached(response), name
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN
    assert not AttemptItem.objects.filter(attempt=attempt, answered_at__isnull=False).exists()

    for current in attempt.items.select_related("question_version"):
        owner_client.post(
            reverse("training:answer", args=[attempt.pk]),
            {"question": current.question_version_id, "choice": right_choice(current)},
        )
    owner_client.post(reverse("training:submit", args=[attempt.pk]))
    certificate = Certificate.objects.get(attempt=attempt)
    response = client.get(reverse("training:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 403 and _never_cached(response)
    assert client.get(reverse("training:result", args=[attempt.pk])).status_code == 403


def test_get_instead_of_post_and_missing_csrf_change_nothing(user_with, verified_client, quiz):
    """Writes are POST only and CSRF-protected: a GET or a cross-site POST neither starts, answers nor submits."""
    user = user_with(0)
    client = verified_client(user)
    assert client.get(reverse("training:start", args=[quiz.pk])).status_code == 405
    assert not Attempt.objects.exists()
    attempt = _start(client, quiz)
    item = attempt.items.select_related("question_version").first()
    assert client.get(reverse("training:answer", args=[attempt.pk])).status_code == 405
    assert client.get(reverse("training:submit", args=[attempt.pk])).status_code == 405

    forged = Client(enforce_csrf_checks=True)
    forged.cookies = client.cookies
    data = {"question": item.question_version_id, "choice": right_choice(item)}
    assert forged.post(reverse("training:answer", args=[attempt.pk]), data).status_code == 403
    assert forged.post(reverse("training:submit", args=[attempt.pk])).status_code == 403
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN
    assert not AttemptItem.objects.filter(attempt=attempt, answered_at__isnull=False).exists()


def test_forged_answers_are_refused_and_never_graded(user_with, verified_client, make_question, quiz):
    """O58 graded on the server: option texts, out-of-range positions, two options for a single choice, and a
    question id that is not in the attempt are refused; a submit carrying them grades nothing."""
    client = verified_client(user_with(0))
    attempt = _start(client, quiz)
    outsider_question = make_question(QuestionKind.SINGLE, answer=[0])  # in the bank, not in this attempt
    item = attempt.items.select_related("question_version").first()
    url = reverse("training:answer", args=[attempt.pk])
    correct_text = item.question_version.options[item.question_version.answer[0]]
    for choice in [[correct_text], ["4"], ["-1"], ["0", "1"], [str(item.question_version.answer[0] + 10)]]:
        response = client.post(url, {"question": item.question_version_id, "choice": choice})
        assert response.status_code == 400, choice
        assert _never_cached(response)
    response = client.post(url, {"question": outsider_question.current_version_id, "choice": ["0"]})
    assert response.status_code == 400
    assert not AttemptItem.objects.filter(attempt=attempt, answered_at__isnull=False).exists()

    client.post(
        reverse("training:submit", args=[attempt.pk]),
        {f"q{item.question_version_id}": [correct_text], f"q{outsider_question.current_version_id}": ["0"]},
    )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.points == 0 and not attempt.passed


def test_a_lower_clearance_user_cannot_start_a_classified_quiz_by_page_id(
    user_with, verified_client, make_question, make_course
):
    """O21: a 内部 reader who guesses the page id of a 机密 course's quiz gets a never-cached 403 and no attempt."""
    make_question(QuestionKind.SINGLE, answer=[0])
    course = make_course(clearance=2, questions=1, title="星河项目专门培训")
    response = verified_client(user_with(0)).post(reverse("training:start", args=[course.pk]))
    assert response.status_code == 403 and _never_cached(response)
    assert "星河项目专门培训" not in response.content.decode()
    assert not Attempt.objects.exists()


def test_an_unpublished_course_cannot_be_started_by_page_id(user_with, verified_client, make_question, make_course):
    """A course taken offline (unpublished) is not served: starting its quiz by page id is refused."""
    make_question(QuestionKind.SINGLE, answer=[0])
    course = make_course(questions=1)
    course.unpublish()
    response = verified_client(user_with(0)).post(reverse("training:start", args=[course.pk]))
    assert response.status_code in (403, 404)
    assert not Attempt.objects.exists()


def test_a_page_without_a_quiz_cannot_be_started(user_with, verified_client, make_course):
    """Only a course or a contest has a quiz: posting the id of a lesson or the training index is refused."""
    from training.models import LessonPage

    course = make_course(questions=1)
    lesson = LessonPage(title="第一课", slug="lesson-x")
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    client = verified_client(user_with(0))
    for page in (lesson, course.get_parent()):
        assert client.post(reverse("training:start", args=[page.pk])).status_code == 403
    assert not Attempt.objects.exists()


def test_a_classified_question_is_not_drawn_into_a_lower_marked_course(
    user_with, verified_client, make_question, make_course
):
    """O27 保密措施 marking: a 内部 course page carries no marking, so even a 机密 taker's attempt never draws a
    机密 question into it (the quiz page would show 机密 text under a 内部 page)."""
    make_question(QuestionKind.SINGLE, answer=[0], text="内部题目甲")
    make_question(QuestionKind.SINGLE, answer=[0], clearance=2, text="星河参数是多少")
    course = make_course(questions=2)
    client = verified_client(user_with(2))
    attempt = _start(client, course)
    assert [i.question_version.text for i in attempt.items.select_related("question_version")] == ["内部题目甲"]
    assert "星河参数是多少" not in client.get(reverse("training:attempt", args=[attempt.pk])).content.decode()


def test_a_question_reclassified_after_the_attempt_is_not_shown_in_the_feedback(
    user_with, verified_client, make_question, quiz
):
    """O21: the result page's feedback re-checks each question: one raised to 机密 after the attempt no longer
    shows its text or explanation to the 内部 taker."""
    client = verified_client(user_with(0))
    attempt = _start(client, quiz)
    client.post(reverse("training:submit", args=[attempt.pk]))  # all wrong: every question is in the feedback
    item = attempt.items.select_related("question_version__question").first()
    question = Question.objects.get(pk=item.question_version.question_id)
    question.clearance, question.secrecy_term, question.classification_basis = 2, "5年", "测试定密依据"
    question.save()
    assert Question.objects.get(pk=question.pk).effective_clearance == 2
    html = client.get(reverse("training:result", args=[attempt.pk])).content.decode()
    assert item.question_version.text not in html
    others = [i.question_version.text for i in attempt.items.select_related("question_version") if i.pk != item.pk]
    assert all(text in html for text in others)


def test_the_certificate_check_shows_no_classified_detail_and_codes_are_not_guessable(
    user_with, verified_client, make_question, make_course
):
    """O21: the check of a 机密 course's certificate shows a 内部 reader only validity, name, date and score: no
    title, no marking, no 定密依据. Codes carry 80 random bits, so a code cannot be guessed or enumerated."""
    make_question(QuestionKind.SINGLE, answer=[0])
    course = make_course(questions=1, clearance=2, title="星河项目专门培训")
    taker = user_with(2)
    client = verified_client(taker)
    attempt = _start(client, course)
    item = attempt.items.select_related("question_version").first()
    client.post(reverse("training:submit", args=[attempt.pk]), {f"q{item.question_version_id}": right_choice(item)})
    certificate = Certificate.objects.get(attempt=attempt)
    response = verified_client(user_with(0)).get(reverse("training:verify"), {"code": certificate.code})
    html = response.content.decode()
    assert response.status_code == 200 and _never_cached(response)
    assert "证书有效" in html and str(certificate.score) in html
    for secret in ["星河项目专门培训", "机密", "测试定密依据", "5年", f"/training/certificates/{certificate.pk}/"]:
        assert secret not in html, secret
    raw = certificate.code.replace("-", "")
    assert len(raw) == 16 and set(raw) <= set(CODE_ALPHABET) and len(CODE_ALPHABET) == 32
    # One code differing in the last character is not a valid certificate.
    near = certificate.code[:-1] + next(c for c in CODE_ALPHABET if c != certificate.code[-1])
    assert (
        "证书有效" not in verified_client(user_with(0)).get(reverse("training:verify"), {"code": near}).content.decode()
    )


@pytest.fixture
def bank_admin(user_with):
    user = user_with(2)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_question", "view_question", "access_admin"])
    )
    return user


def test_formulas_in_an_imported_sheet_never_come_back_as_formulas(
    source_regulation, category, bank_admin, verified_client
):
    """A live formula cell is read as its (absent) value, never evaluated: the row is refused. A 题干 typed as text
    that looks like a formula is stored as text and exported as a text cell, never as a live formula."""
    row = ["", "判断", '=HYPERLINK("http://evil.example/","点击")', "", "正确", "", "", "", "法规制度", "", "内部"]
    refused = bank_import(actor=bank_admin, data=_xlsx([row]))
    assert refused.created == 0 and refused.errors and not Question.objects.exists()
    workbook = Workbook()
    workbook.active.append(BANK_COLUMNS)
    workbook.active.append(["", "判断", "placeholder", "", "正确", "", "", "", "法规制度", "", "内部"])
    for column, text in [(3, '=HYPERLINK("http://evil.example/","点击")'), (6, "+1+1"), (10, "@SUM(1)")]:
        cell = workbook.active.cell(row=2, column=column, value=text)
        cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = bank_import(actor=bank_admin, data=buffer.getvalue())
    assert result.errors == [] and result.created == 1
    assert Question.objects.get().current_version.text.startswith("=HYPERLINK")
    content = verified_client(bank_admin).get(reverse("training_bank_export")).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert "HYPERLINK" in sheet


def _bomb():
    """A small .xlsx whose sheet XML inflates to hundreds of megabytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(_xlsx_base(), "r") as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"</sheetData>")
                data = head + b"<!--" + b" " * (300 * 1024 * 1024) + b"-->" + b"</sheetData>" + tail
            out.writestr(info.filename, data)
    return buffer.getvalue()


def _xlsx_base():
    return io.BytesIO(_xlsx([]))


def test_a_zip_bomb_or_oversized_upload_is_refused_without_unpacking_it(category, bank_admin, verified_client):
    """An upload that inflates far beyond any question bank is refused before it is parsed; nothing is imported."""
    bomb = _bomb()
    assert len(bomb) < 2 * 1024 * 1024
    result = bank_import(actor=bank_admin, data=bomb)
    assert result.created == 0 and result.errors
    client = verified_client(bank_admin)
    big = b"PK" + b"\0" * (11 * 1024 * 1024)
    response = client.post(reverse("training_bank_import"), {"file": SimpleUploadedFile("big.xlsx", big)})
    assert response.status_code == 200 and not Question.objects.exists()
    assert BANK_COLUMNS[0] in response.content.decode()


def test_a_course_reclassified_during_an_attempt_takes_no_more_answers(user_with, verified_client, quiz):
    """O21 深圳条例 第十二条(一): the autosave checks the course's marking inside its query, so once the course is
    raised above the taker, an answer to their own open attempt is refused and nothing is stored."""
    from portal.models import PortalPage

    user = user_with(0)
    client = verified_client(user)
    attempt = _start(client, quiz)
    item = attempt.items.select_related("question_version").first()
    url = reverse("training:answer", args=[attempt.pk])
    data = {"question": item.question_version_id, "choice": right_choice(item)}
    assert client.post(url, data).status_code == 200
    AttemptItem.objects.filter(pk=item.pk).update(response=None, answered_at=None)
    PortalPage.objects.filter(pk=quiz.pk).update(clearance=2, effective_clearance=2)
    response = client.post(url, data)
    assert response.status_code == 403 and _never_cached(response)
    assert client.post(reverse("training:submit", args=[attempt.pk])).status_code == 403
    assert not AttemptItem.objects.filter(attempt=attempt, answered_at__isnull=False).exists()


SECRET_TEXT = "某型号密封结构的关键参数是多少"


def _superuser(user_with, clearance):
    admin = user_with(clearance)
    admin.is_superuser = admin.is_staff = True
    admin.save()
    return admin


def test_a_question_above_the_editors_clearance_is_refused_on_every_admin_view(
    user_with, verified_client, make_question, settings
):
    """O21 知悉范围; O12 科学技术保密规定 第十八条: an 内部 superuser, and a 机密 superuser outside CLASSIFIED_NETWORKS,
    get a never-cached 403 without the text on the edit, delete, history and usage views of a 秘密 question, and a
    posted delete leaves it in the bank."""
    settings.CLASSIFIED_NETWORKS = ["10.0.0.0/8"]
    secret = make_question(QuestionKind.SINGLE, answer=[0], clearance=1, text=SECRET_TEXT)
    for clearance in (0, 2):
        client = verified_client(_superuser(user_with, clearance))
        for name in ("edit", "delete", "history", "history_results", "usage"):
            response = client.get(reverse(f"training_question:{name}", args=[secret.pk]), REMOTE_ADDR="192.0.2.7")
            assert response.status_code == 403, (clearance, name)
            assert _never_cached(response), (clearance, name)
            assert SECRET_TEXT[:20] not in response.content.decode(), (clearance, name)
        response = client.post(reverse("training_question:delete", args=[secret.pk]), REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 403 and _never_cached(response)
        assert Question.objects.filter(pk=secret.pk).exists()


def test_a_cleared_superuser_inside_the_network_still_opens_and_deletes_a_secret_question(
    user_with, verified_client, make_question, settings
):
    """O21 知悉范围: the guard refuses only those outside the 知悉范围; a 秘密 superuser on a classified network opens
    every view of a 秘密 question and deletes it."""
    settings.CLASSIFIED_NETWORKS = ["10.0.0.0/8"]
    secret = make_question(QuestionKind.SINGLE, answer=[0], clearance=1, text=SECRET_TEXT)
    client = verified_client(_superuser(user_with, 1))
    for name in ("edit", "delete", "history", "usage"):
        response = client.get(reverse(f"training_question:{name}", args=[secret.pk]), REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 200, name
    assert SECRET_TEXT in client.get(reverse("training_question:index"), REMOTE_ADDR="10.1.2.3").content.decode()
    response = client.post(reverse("training_question:delete", args=[secret.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert not Question.objects.filter(pk=secret.pk).exists()


def test_the_site_history_names_no_secret_question_by_its_text(user_with, verified_client, category, settings):
    """O12 科学技术保密规定 第十八条; no classified title in logs: creating, editing and deleting a 秘密 question in
    the admin leaves log entries whose label is not its text, so the site history shown to an 内部 superuser
    does not carry it."""
    from wagtail.models import ModelLogEntry

    settings.CLASSIFIED_NETWORKS = ["10.0.0.0/8"]
    editor = verified_client(_superuser(user_with, 1))
    post = {
        "category": category.pk,
        "active": "on",
        "clearance": 1,
        "secrecy_term": "5年",
        "classification_basis": "型号参数",
        "kind": "single",
        "text": SECRET_TEXT,
        "options_text": "甲\n乙",
        "answer_text": "A",
    }
    response = editor.post(reverse("training_question:add"), post, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302, response.content.decode()[-2000:]
    question = Question.objects.get(versions__text=SECRET_TEXT)
    post["text"] = SECRET_TEXT + "(修订)"
    url = reverse("training_question:edit", args=[question.pk])
    assert editor.post(url, post, REMOTE_ADDR="10.1.2.3").status_code == 302
    assert question.versions.count() == 2
    assert ModelLogEntry.objects.filter(object_id=str(question.pk)).exists()
    low = verified_client(_superuser(user_with, 0))
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        response = low.get(url)
        assert response.status_code == 200, url
        assert SECRET_TEXT[:20] not in response.content.decode(), url
    assert editor.post(reverse("training_question:delete", args=[question.pk]), REMOTE_ADDR="10.1.2.3").status_code
    assert not Question.objects.filter(pk=question.pk).exists()
    assert not any(SECRET_TEXT[:20] in entry.label for entry in ModelLogEntry.objects.all())
