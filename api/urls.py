from django.urls import path

from api import views_books, views_exports, views_me, views_webhooks

app_name = "api"

urlpatterns = [
    path("styles/", views_books.StyleList.as_view(), name="style-list"),
    path("books/", views_books.BookList.as_view(), name="book-list"),
    path("books/<uuid:book_id>/", views_books.BookDetail.as_view(), name="book-detail"),
    path("books/<uuid:book_id>/restore/", views_books.BookRestore.as_view(), name="book-restore"),
    path("books/<uuid:book_id>/retry/", views_books.BookRetry.as_view(), name="book-retry"),
    path(
        "books/<uuid:book_id>/pages/<int:number>/regenerate/",
        views_books.PageRegenerate.as_view(),
        name="page-regenerate",
    ),
    path(
        "books/<uuid:book_id>/pages/<int:number>/image/", views_books.PageImage.as_view(), name="page-image"
    ),
    path(
        "books/<uuid:book_id>/pages/<int:number>/thumbnail/",
        views_books.PageThumbnail.as_view(),
        name="page-thumbnail",
    ),
    path("books/<uuid:book_id>/exports/", views_exports.BookExports.as_view(), name="book-exports"),
    path("books/<uuid:book_id>/share/", views_exports.BookShares.as_view(), name="book-share"),
    path(
        "books/<uuid:book_id>/share/<str:key>/", views_exports.BookShareRevoke.as_view(), name="share-revoke"
    ),
    path("exports/<uuid:export_id>/", views_exports.ExportDetail.as_view(), name="export-detail"),
    path(
        "exports/<uuid:export_id>/download/<str:signature>/",
        views_exports.ExportDownload.as_view(),
        name="export-download",
    ),
    path("me/", views_me.Me.as_view(), name="me"),
    path("me/badges/", views_me.MyBadges.as_view(), name="my-badges"),
    path("me/missions/", views_me.MyMissions.as_view(), name="my-missions"),
    path("leaderboard/", views_me.Leaderboard.as_view(), name="leaderboard"),
    path("webhooks/", views_webhooks.WebhookList.as_view(), name="webhook-list"),
    path("webhooks/<int:webhook_id>/", views_webhooks.WebhookDetail.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:webhook_id>/deliveries/",
        views_webhooks.WebhookDeliveries.as_view(),
        name="webhook-deliveries",
    ),
]
