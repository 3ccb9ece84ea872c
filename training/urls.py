from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.my_training, name="mine"),
    path("record/", views.record_view, name="record"),
    path("department/", views.department_view, name="department"),
    path("quiz/<int:page_id>/start/", views.quiz_start, name="start"),
    path("attempts/<int:attempt_id>/", views.attempt_view, name="attempt"),
    path("attempts/<int:attempt_id>/answer/", views.answer_save, name="answer"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="result"),
    path("certificates/<int:certificate_id>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("verify/", views.certificate_verify, name="verify"),
]
