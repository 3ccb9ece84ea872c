from django.urls import path

from records import views

app_name = "records"

urlpatterns = [
    path("", views.index, name="index"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:agreement_id>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("me/", views.my_dossier, name="me"),
    path("me/pdf/", views.my_dossier, {"pdf": True}, name="me_pdf"),
    path("people/<int:user_id>/", views.person_dossier, name="person"),
    path("people/<int:user_id>/pdf/", views.person_dossier, {"pdf": True}, name="person_pdf"),
    path("borrowings/", views.borrowings, name="borrowings"),
    path("borrowings/<int:borrowing_id>/return/", views.borrowing_return, name="borrowing_return"),
    path("office/", views.office, name="office"),
    path("office/noncompete/", views.noncompete_create, name="noncompete_create"),
    path("register/", views.register, name="register"),
    path("register/<int:content_type_id>/<str:object_id>/", views.register_item, name="register_item"),
    path("departures/", views.departures, name="departures"),
    path("departures/<int:departure_id>/", views.departure_detail, name="departure"),
    path("departures/<int:departure_id>/action/", views.departure_action, name="departure_action"),
]
