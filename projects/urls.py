from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("petitions/new/", views.petition_start, name="petition_start"),
    path("sponsorships/<int:pk>/answer", views.sponsorship_answer, name="sponsorship_answer"),
    path("votes/<slug:code>/", views.vote_detail, name="vote"),
    path("<slug:code>/", views.project_detail, name="detail"),
    path("<slug:code>/petition/invite", views.petition_invite, name="petition_invite"),
]
