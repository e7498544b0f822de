from django.urls import path

from . import council_views, party_views, residence_views, views

app_name = "stakeholders"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/", views.signup_confirm, name="signup_confirm"),
    path("care-mode/", views.care_mode, name="care_mode"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/proof", views.claim_proof, name="claim_proof"),
    path("residences/", residence_views.residence_desk, name="residence_desk"),
    path("residences/<int:pk>/end", residence_views.residence_end, name="residence_end"),
    path("residences/<int:pk>/proof", residence_views.residence_proof, name="residence_proof"),
    path("files/<str:token>", views.private_file_for_admin, name="private_file"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("councils/<slug:code>/", council_views.council_desk, name="council_desk"),
    path("councils/<slug:code>/elections/new/", council_views.election_record, name="council_election_new"),
    path("councils/<slug:code>/convert", council_views.council_convert, name="council_convert"),
    path("councils/<slug:code>/meetings/new/", council_views.meeting_new, name="council_meeting_new"),
    path("councils/meetings/<int:pk>/record", council_views.meeting_record, name="council_meeting_record"),
    path("councils/attachments/<int:pk>", council_views.meeting_attachment, name="council_meeting_attachment"),
    path("councils/elections/<int:pk>/", council_views.election_detail, name="council_election"),
    path("councils/elections/<int:pk>/file", council_views.election_file, name="council_election_file"),
    path("councils/elections/<int:pk>/return", council_views.election_return, name="council_election_return"),
    path("councils/elections/<int:pk>/tally", council_views.election_tally, name="council_election_tally"),
    path("councils/seats/<int:pk>/end", council_views.seat_end, name="council_seat_end"),
    path("councils/certificates/<str:code>/", council_views.certificate, name="council_certificate"),
    path("party/", party_views.claims, name="party_claims"),
    path("party/<int:pk>/decide", party_views.decide, name="party_decide"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
]
