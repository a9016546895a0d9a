from django.urls import path

from gamification import views

app_name = "gamification"

urlpatterns = [
    path("me/progress/", views.progress, name="progress"),
    path("me/progress/settings/", views.progress_settings, name="settings"),
    path("leaderboards/", views.leaderboards, name="leaderboards"),
    path("friends/", views.friends, name="friends"),
    path("friends/request/", views.friend_request, name="friend_request"),
    path("friends/<int:follow_id>/accept/", views.friend_accept, name="friend_accept"),
    path("friends/<int:follow_id>/decline/", views.friend_decline, name="friend_decline"),
    path("friends/<int:follow_id>/remove/", views.friend_remove, name="friend_remove"),
]
