from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
    path("estates/", views.estates, name="estates"),
    path("projects/<slug:code>/", views.project, name="project"),
    path("projects/<slug:code>/ledger.json", views.ledger_json, name="ledger_json"),
    path("projects/<slug:code>/heads.json", views.project_heads_json, name="project_heads"),
    path("projects/<slug:code>/ledger/", views.ledger_page, name="ledger"),
    path("projects/<slug:code>/ledger/<int:seq>/reverse", views.ledger_reverse, name="ledger_reverse"),
    path("projects/<slug:code>/ledger/<int:seq>/voucher", views.ledger_voucher, name="ledger_voucher"),
    path("projects/<slug:code>/budget/", views.budget, name="budget"),
    path("projects/<slug:code>/shares/", views.shares_page, name="shares"),
    path("projects/<slug:code>/shares.json", views.shares_json, name="shares_json"),
    path("projects/<slug:code>/collection/", views.collection_desk, name="collection"),
    path("payments/<int:pk>/", views.payment_receipt, name="payment_receipt"),
    path("projects/<slug:code>/progress/", views.progress_page, name="progress"),
    path("projects/<slug:code>/milestones/<int:pk>", views.milestone_update, name="milestone_update"),
    path("projects/<slug:code>/inspections/", views.inspections_page, name="inspections"),
    path("projects/<slug:code>/objections/", views.objections_page, name="objections"),
    path("photos/<int:pk>/<str:size>.jpg", views.photo, name="photo"),
    path("inspection-photos/<int:pk>/<str:size>.jpg", views.inspection_photo, name="inspection_photo"),
    path("contractors/", views.contractors, name="contractors"),
    path("contractors/<int:pk>/", views.contractor, name="contractor"),
    path("opendata/projects.csv", views.opendata_projects_csv, name="projects_csv"),
    path("opendata/oc4ids.json", views.opendata_oc4ids, name="oc4ids"),
    path("councils/", views.council_list, name="councils"),
    path("councils.json", views.councils_json, name="councils_json"),
    path("councils/certificates/<str:code>/", views.council_certificate, name="council_certificate"),
    path("councils/rules/", views.council_rules, name="council_rules"),
    path("councils/<slug:code>/", views.council, name="council"),
    path("heads.json", views.heads_json, name="heads"),
    path("heads/<str:day>.json", views.heads_day_json, name="heads_day"),
    path("votes/", views.votes, name="votes"),
    path("votes.json", views.votes_json, name="votes_json"),
    path("votes/<slug:code>.json", views.vote_json, name="vote_json"),
    path("votes/<slug:code>/", views.vote, name="vote"),
    path("votes/<slug:code>/receipt", views.vote_receipt, name="vote_receipt"),
]
