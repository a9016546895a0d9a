from django.urls import path

from books import views, views_edit, views_library, views_share

app_name = "books"

urlpatterns = [
    path("", views_library.book_list, name="list"),
    path("trash/", views_library.trash, name="trash"),
    path("trash/<uuid:book_id>/restore/", views_library.trash_restore, name="trash_restore"),
    path("trash/<uuid:book_id>/delete/", views_library.trash_delete, name="trash_delete"),
    path("new/", views.book_new, name="new"),
    path("new/check/", views_edit.book_new_validate, name="new_validate"),
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
    # Reading and changing a book (books/views_edit.py).
    path("<uuid:book_id>/read/", views_edit.book_read, name="read"),
    path("<uuid:book_id>/read/<int:number>/", views_edit.book_read, name="read_page"),
    path("<uuid:book_id>/title/", views_edit.book_title, name="title"),
    path("<uuid:book_id>/title/edit/", views_edit.book_title_edit, name="title_edit"),
    path("<uuid:book_id>/pages/", views_edit.page_list, name="pages"),
    path("<uuid:book_id>/pages/order/", views_edit.pages_reorder_view, name="pages_reorder"),
    path("<uuid:book_id>/pages/<int:number>/text/", views_edit.page_text, name="page_text"),
    path("<uuid:book_id>/pages/<int:number>/edit/", views_edit.page_text_edit, name="page_edit"),
    path("<uuid:book_id>/pages/<int:number>/move/", views_edit.page_move_view, name="page_move"),
    path(
        "<uuid:book_id>/pages/<int:number>/regenerate/",
        views_edit.page_regenerate_view,
        name="page_regenerate",
    ),
]
