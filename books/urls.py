from django.urls import path

from books import views, views_library, views_share

app_name = "books"

urlpatterns = [
    path("", views_library.book_list, name="list"),
    path("trash/", views_library.trash, name="trash"),
    path("trash/<uuid:book_id>/restore/", views_library.trash_restore, name="trash_restore"),
    path("trash/<uuid:book_id>/delete/", views_library.trash_delete, name="trash_delete"),
    path("new/", views.book_new, name="new"),
    path("<uuid:book_id>/", views.book_detail, name="detail"),
    path("<uuid:book_id>/cover.png", views.book_cover, name="cover"),
    path("<uuid:book_id>/cover-thumb.png", views_library.book_cover_thumbnail, name="cover_thumbnail"),
    path("<uuid:book_id>/delete/", views_library.book_delete, name="delete"),
    path("<uuid:book_id>/share/", views_share.book_share, name="share"),
    path("<uuid:book_id>/share/<int:link_id>/revoke/", views_share.book_share_revoke, name="share_revoke"),
    path("<uuid:book_id>/download/", views.book_download, name="download"),
    path("<uuid:book_id>/retry/", views.book_retry_view, name="retry"),
    path("<uuid:book_id>/characters/", views.book_characters, name="characters"),
    path("<uuid:book_id>/pages/<int:number>/image.png", views.page_image, name="page_image"),
    path("<uuid:book_id>/pages/<int:number>/thumbnail.png", views.page_thumbnail, name="page_thumbnail"),
]
