from .assignments import Assignment, AssignmentRule, AssignmentSummary, StudyHoursTarget
from .bank import Question, QuestionCategory, QuestionVersion
from .pages import CampaignNotice, CampaignPage, CampaignView, ContestPage, CoursePage, LessonPage, TrainingIndexPage
from .quiz import Attempt, AttemptItem, Certificate

__all__ = [
    "Assignment",
    "AssignmentRule",
    "AssignmentSummary",
    "Attempt",
    "AttemptItem",
    "CampaignNotice",
    "CampaignPage",
    "CampaignView",
    "Certificate",
    "ContestPage",
    "CoursePage",
    "LessonPage",
    "Question",
    "QuestionCategory",
    "QuestionVersion",
    "StudyHoursTarget",
    "TrainingIndexPage",
]
