from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/photos/<int:photo>/<str:size>.jpg", views.complaint_photo, name="complaint_photo"),
    path("projects/<slug:code>/complaints/new/", views.complaint_file, name="complaint_file"),
    path("answer/<int:pk>/<str:token>/", views.answer, name="answer"),
    path("invitations/<int:pk>/", views.my_invitation, name="my_invitation"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views.survey_desk, name="survey"),
    path("surveys/<int:pk>/print/", views.survey_print, name="survey_print"),
    path("surveys/<int:pk>/paper/", views.survey_paper, name="survey_paper"),
]
