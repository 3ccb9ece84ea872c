"""Writes on the question bank. A content change adds a version; past attempts keep theirs."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal.services.marking import item_scope_refresh
from training.enums import QuestionKind
from training.models import Question, QuestionVersion
from training.models.bank import TRUE_FALSE_OPTIONS
from training.services.sources import article_exists

VERSION_FIELDS = ("kind", "text", "options", "answer", "explanation", "source_regulation", "source_article")


def version_errors(*, kind, text, options, answer, source_regulation=None, source_article="", **_ignored):
    """The problems of a question's content, as a list of messages (empty = valid)."""
    errors = []
    if kind not in QuestionKind.values:
        return [_("Unknown question type.")]
    if not (text or "").strip():
        errors.append(_("The question has no text."))
    if kind == QuestionKind.FILL_IN:
        if not answer or not all(isinstance(a, str) and a.strip() for a in answer):
            errors.append(_("A fill-in question needs at least one accepted answer."))
        return errors
    if kind == QuestionKind.TRUE_FALSE:
        options = TRUE_FALSE_OPTIONS
    if len(options) < 2:
        errors.append(_("A choice question needs at least two options."))
    if not answer or any(not isinstance(i, int) or not 0 <= i < len(options) for i in answer):
        errors.append(_("The answer must name existing options."))
    elif kind != QuestionKind.MULTIPLE and len(answer) != 1:
        errors.append(_("A single-choice or true/false question has exactly one correct option."))
    if source_article and not source_regulation:
        errors.append(_("An article needs its regulation."))
    if source_regulation and source_article and not article_exists(source_regulation, source_article):
        errors.append(_("The regulation has no article %(label)s.") % {"label": source_article})
    return errors


@transaction.atomic
def question_save(*, actor, question, scope=None, **content):
    """Save the question's marking and category; add a version if the content differs from the current one."""
    if content.get("kind") == QuestionKind.TRUE_FALSE:
        content["options"] = list(TRUE_FALSE_OPTIONS)
    content.setdefault("explanation", "")
    content.setdefault("source_regulation", None)
    content.setdefault("source_article", "")
    errors = version_errors(**content)
    if errors:
        raise ValidationError(errors)
    question.full_clean(exclude=["current_version"])
    question.save()
    if scope is not None:
        question.scope.set(scope)
        item_scope_refresh(question)
    current = question.current_version
    new = QuestionVersion(question=question, created_by=actor, **content)
    if current is not None and current.content() == new.content():
        return question
    new.number = (current.number if current else 0) + 1
    new.save()
    question.current_version = new
    Question.objects.filter(pk=question.pk).update(current_version=new)
    log(instance=question, action="training.question_version", user=actor, data={"version": new.number})
    return question
