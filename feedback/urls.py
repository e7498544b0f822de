from django.urls import path

from . import integrity_views, views, willingness_views

app_name = "feedback"

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/photos/<int:photo>/<str:size>.jpg", views.complaint_photo, name="complaint_photo"),
    path("projects/<slug:code>/complaints/new/", views.complaint_file, name="complaint_file"),
    path("integrity/new/", integrity_views.integrity_new, name="integrity_new"),
    path("integrity/track/", integrity_views.integrity_track, name="integrity_track"),
    path("integrity/", integrity_views.integrity_desk, name="integrity_desk"),
    path("integrity/<int:pk>/", integrity_views.integrity_report, name="integrity_report"),
    path("integrity/<int:pk>/act", integrity_views.integrity_act, name="integrity_act"),
    path("answer/<int:pk>/<str:token>/", views.answer, name="answer"),
    path("invitations/<int:pk>/", views.my_invitation, name="my_invitation"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views.survey_desk, name="survey"),
    path("surveys/<int:pk>/print/", views.survey_print, name="survey_print"),
    path("surveys/<int:pk>/paper/", views.survey_paper, name="survey_paper"),
    path("willingness/", willingness_views.willingness_list, name="willingness_list"),
    path("willingness/new/", willingness_views.willingness_new, name="willingness_new"),
    path("willingness/<int:pk>/", willingness_views.willingness_detail, name="willingness"),
    path("willingness/<int:pk>/close/", willingness_views.willingness_close, name="willingness_close"),
    path("willingness/<int:pk>/print/", willingness_views.willingness_print, name="willingness_print"),
    path("willingness/<int:pk>/paper/", willingness_views.willingness_paper, name="willingness_paper"),
    path("willingness/answer/<int:pk>/<str:token>/", willingness_views.willingness_answer, name="willingness_answer"),
    path("willingness/invitations/<int:pk>/", willingness_views.willingness_mine, name="willingness_mine"),
]
