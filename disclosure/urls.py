from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
    path("votes/", views.votes, name="votes"),
    path("votes.json", views.votes_json, name="votes_json"),
    path("votes/<slug:code>.json", views.vote_json, name="vote_json"),
    path("votes/<slug:code>/", views.vote, name="vote"),
    path("votes/<slug:code>/receipt", views.vote_receipt, name="vote_receipt"),
]
