from django.urls import path

from . import views

app_name = "stakeholders"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/", views.signup_confirm, name="signup_confirm"),
    path("care-mode/", views.care_mode, name="care_mode"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/proof", views.claim_proof, name="claim_proof"),
    path("files/<str:token>", views.private_file_for_admin, name="private_file"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
]
