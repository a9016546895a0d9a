"""Public share links, mounted at /s/: no login, read-only, everything under the token."""

from django.urls import path

from books import views_share

app_name = "share"

urlpatterns = [
    path("<str:token>/", views_share.share_book, name="book"),
    path("<str:token>/cover.png", views_share.share_cover, name="cover"),
    path("<str:token>/download/", views_share.share_download, name="download"),
    path("<str:token>/pages/<int:number>/", views_share.share_page, name="page"),
    path("<str:token>/pages/<int:number>.png", views_share.share_page_image, name="page_image"),
    path(
        "<str:token>/pages/<int:number>/thumbnail.png",
        views_share.share_page_thumbnail,
        name="page_thumbnail",
    ),
]
