from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("register/", views.register, name="register"),
    path("new/<str:kind>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/marking/", views.marking, name="marking"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/approval-form.pdf", views.pdf, name="pdf"),
]
