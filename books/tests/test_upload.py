"""“Use my story”: pasted or from a .txt, .md or .docx file, checked, then shown cut into pages the
parent can adjust before the book is drawn."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import Client
from django.urls import reverse

from ai.prompts import PAGE_BREAK, story_prompts
from ai.providers.offline.user_stories import page_texts
from ai.schemas import StoryRequest
from books.models import Book, GenerationJob
from books.tests.factories import book_factory
from books.uploads import UploadLimitHandler

pytestmark = pytest.mark.django_db

NEW = reverse("books:new")
CHECK = reverse("books:new_validate")
HX = {"HTTP_HX_REQUEST": "true"}
STORY = "\n\n".join(
    f"Parágrafo {n}: a Ana olhou as estrelas e contou mais uma, feliz da vida." for n in range(1, 8)
)
MB = 1024 * 1024


def _form(**changes) -> dict:
    data = {
        "style": "cartoon",
        "num_pages": "5",
        "language": "pt-BR",
        "age_range": "4-6",
        "narrative_source": "uploaded",
        "theme": "",
        "educational_goal": "",
        "title": "",
        "story": STORY,
        "liberty": "faithful",
    }
    return {**data, **changes}


def _file(name: str, content: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def _docx(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _boxes(response) -> list[str]:
    return [box["text"] for box in response.context["pages"]]


def _text(response) -> str:
    return response.content.decode().replace("\xa0", " ")  # sizes are printed with no-break spaces


def _errors(response, field: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(field, [])]


# --- the story cut into pages ---------------------------------------------------------------------


def test_a_pasted_story_is_shown_cut_into_the_pages_chosen(owner_client):
    response = owner_client.post(NEW, _form())

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "books/split.html"
    boxes = _boxes(response)
    assert len(boxes) == 5 and all(boxes)
    assert " ".join(boxes).split() == STORY.split()  # every word, in order
    body = response.content.decode()
    assert body.count('<textarea name="page"') == 5
    assert '<input type="hidden" name="step" value="pages">' in body
    assert '<input type="hidden" name="style" value="cartoon">' in body
    assert not Book.objects.exists()


def test_the_pages_as_the_parent_left_them_become_the_books_pages(
    owner_client, celery_eager, django_capture_on_commit_callbacks, settings
):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_TEXT_PROVIDERS, settings.AI_IMAGE_PROVIDERS = ["offline"], ["offline"]
    settings.AI_OFFLINE_FAILURE_RATE = 0
    cache.clear()
    boxes = _boxes(owner_client.post(NEW, _form()))
    boxes[0] = "A Ana abriu a janela."
    boxes[1] = boxes[1] + " E sorriu."

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(NEW, {**_form(story=""), "step": "pages", "page": boxes})

    book = Book.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("books:detail", args=[book.id])
    assert book.story == PAGE_BREAK.join(boxes)
    assert book.status == Book.Status.GENERATED
    assert list(book.pages.order_by("number").values_list("text", flat=True)) == boxes


def test_back_returns_to_the_form_with_the_pages_as_one_story(owner_client):
    boxes = ["Um.", "Dois.", "Três.", "Quatro.", "Cinco."]
    response = owner_client.post(NEW, {**_form(story=""), "step": "pages", "page": boxes, "action": "back"})
    assert response.status_code == 200
    assert response.context["form"]["story"].value() == "Um.\n\nDois.\n\nTrês.\n\nQuatro.\n\nCinco."
    assert not Book.objects.exists()


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ("", "Write a few words for this page."),
        ("x" * 2001, "This has 2,001 characters; the limit is 2,000."),
        ("Ela achou um revólver.", "please remove “revólver”"),
    ],
)
def test_a_page_box_that_cannot_be_printed_is_refused_next_to_it(owner_client, box, message):
    boxes = ["Um.", "Dois.", box, "Quatro.", "Cinco."]
    response = owner_client.post(NEW, {**_form(story=""), "step": "pages", "page": boxes})
    assert response.status_code == 400
    assert message in response.context["pages"][2]["error"]
    assert 'id="id_page_3_error"' in response.content.decode()
    assert not Book.objects.exists()


def test_pages_that_together_pass_10000_characters_are_refused_with_the_count(owner_client):
    boxes = ["y" * 2000] * 5
    response = owner_client.post(NEW, {**_form(story=""), "step": "pages", "page": boxes})
    assert response.status_code == 400
    assert "Your story has 10,004 characters; the limit is 10,000." in response.content.decode()
    assert not Book.objects.exists()


def test_a_page_count_other_than_the_books_is_refused(owner_client):
    response = owner_client.post(NEW, {**_form(story=""), "step": "pages", "page": ["Um.", "Dois."]})
    assert response.status_code == 400
    assert "Send one box per page." in response.content.decode()


def test_a_story_too_short_for_its_pages_leaves_empty_boxes_to_fill(owner_client):
    response = owner_client.post(NEW, _form(story="A Bia plantou uma semente."))
    boxes = _boxes(response)
    assert len(boxes) == 5 and "" in boxes


def test_html_in_the_story_is_shown_as_text_on_the_pages(owner_client):
    response = owner_client.post(NEW, _form(story="<script>alert(1)</script> A Ana riu. " * 3))
    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body


def test_a_pasted_story_of_10001_characters_is_refused_with_its_count(owner_client):
    response = owner_client.post(NEW, _form(story="x" * 10_001))
    assert response.status_code == 400
    assert _errors(response, "story") == ["Your story has 10,001 characters; the limit is 10,000."]


def test_the_quota_is_checked_before_the_parent_adjusts_the_pages(owner_client, owner):
    owner.daily_requests_override = 1
    owner.save(update_fields=["daily_requests_override"])
    GenerationJob.objects.create(book=book_factory(owner=owner), user=owner)
    response = owner_client.post(NEW, _form())
    assert response.status_code == 400
    assert "You have used all 1 generation requests for today" in response.content.decode()


# --- files ----------------------------------------------------------------------------------------


def test_a_txt_file_is_the_story_even_when_the_form_said_write_it(owner_client):
    text = "A Ana olhou as estrelas. Contou uma, duas, três. Sorriu. Dormiu. Sonhou com a lua."
    data = _form(narrative_source="generated", theme="estrelas", story="", story_file=_file("ana.txt", text))
    response = owner_client.post(NEW, data)
    assert response.status_code == 200
    assert " ".join(_boxes(response)) == text


def test_a_txt_file_from_an_older_windows_editor_keeps_its_accents(owner_client):
    text = "Ação e coração: a Júlia riu. " * 4
    response = owner_client.post(NEW, _form(story="", story_file=_file("ana.txt", text.encode("cp1252"))))
    assert "Ação e coração" in " ".join(_boxes(response))


def test_a_markdown_file_loses_its_markup(owner_client):
    text = "# A Bia\n\nA **Bia** _plantou_ [uma semente](https://example.com).\n\n- Ela regou.\n\nNasceu."
    response = owner_client.post(NEW, _form(story="", num_pages="5", story_file=_file("bia.md", text)))
    words = "A Bia A Bia plantou uma semente. Ela regou. Nasceu."
    assert " ".join(_boxes(response)).split() == words.split()


def test_a_docx_file_is_read_paragraph_by_paragraph(owner_client):
    content = _docx("A Bia plantou uma semente.", "", "Todo dia ela regava.", "Um dia nasceu uma flor.")
    response = owner_client.post(NEW, _form(story="", story_file=_file("bia.docx", content)))
    assert response.status_code == 200
    words = "A Bia plantou uma semente. Todo dia ela regava. Um dia nasceu uma flor."
    assert " ".join(_boxes(response)).split() == words.split()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "story.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
            "This file is not text.",
        ),
        ("story.txt", bytes(range(1, 32)) * 40, "This file is not text."),
        (
            "story.docx",
            b"PK\x03\x04 this is not really a word document",
            "We could not read this .docx file.",
        ),
        ("story.docx", b"plain words in a file named .docx", "We could not read this .docx file."),
        ("story.pdf", b"%PDF-1.7", "Choose a .txt, .md or .docx file, or paste your story."),
        ("story.txt", b"", "This file is empty."),
        ("story.txt", b"   \n\n  ", "This file has no text in it."),
        ("story.txt", "x" * 10_001, "Your story has 10,001 characters; the limit is 10,000."),
        (
            "story.docx",
            _docx("y" * 6000, "z" * 4001),
            "Your story has 10,003 characters; the limit is 10,000.",
        ),
    ],
    ids=[
        "png",
        "control-characters",
        "broken-docx",
        "text-as-docx",
        "pdf",
        "empty",
        "blank",
        "long",
        "long-docx",
    ],
)
def test_a_file_that_cannot_be_the_story_is_refused_next_to_the_file_field(
    owner_client, name, content, message
):
    response = owner_client.post(NEW, _form(story="", story_file=_file(name, content)))
    assert response.status_code == 400
    assert any(error.startswith(message) for error in _errors(response, "story_file"))
    assert message.split(".")[0] in response.content.decode().replace("&#x27;", "'")
    assert not Book.objects.exists()


def test_a_51_mb_file_is_refused_before_the_request_is_read(owner_client):
    upload = _file("story.txt", b"a" * (51 * MB))
    with (
        mock.patch("django.http.multipartparser.MultiPartParser.parse") as parse,
        mock.patch("books.forms.story_from_upload") as extract,
    ):
        response = owner_client.post(NEW, _form(story_file=upload))

    assert response.status_code == 413
    assert not parse.called and not extract.called
    assert "This file is 51.0 MB; the limit is 50.0 MB." in _text(response)
    assert not Book.objects.exists()


def test_a_file_stops_being_read_as_soon_as_it_passes_the_limit(owner_client, settings):
    # Under the request-size check (limit + 1 MB for the form), so the upload handler must stop it.
    settings.STORY_UPLOAD_MAX_BYTES = 64 * 1024
    upload = _file("story.txt", b"a" * MB)

    response = owner_client.post(NEW, {"story_file": upload, **_form()})

    assert response.status_code == 413
    assert "This file is larger than 64.0 KB." in _text(response)
    stream = response.wsgi_request._stream
    assert stream._pos < stream.limit / 2  # the rest of the body was never read
    assert not Book.objects.exists()


def test_the_upload_handler_passes_data_on_until_the_limit():
    handler = UploadLimitHandler(limit=100)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.refused


def test_uploads_go_to_disk_and_form_fields_stay_small(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
    assert settings.STORY_UPLOAD_MAX_BYTES == 50 * MB


# --- checked field by field, as the parent fills the form -------------------------------------------


def test_the_form_checks_its_fields_when_they_change(owner_client):
    body = owner_client.get(NEW).content.decode()
    assert 'enctype="multipart/form-data"' in body
    for field in ("theme", "educational_goal", "title", "story", "story_file"):
        assert f'hx-vals=\'{{"_field": "{field}"}}\'' in body
    assert body.count(f'hx-post="{CHECK}" hx-trigger="change"') == 5


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("theme", {"narrative_source": "generated", "theme": "a gun story"}, "please remove “gun”"),
        ("theme", {"narrative_source": "generated", "theme": ""}, "Tell us what the story is about"),
        ("story", {"story": "x" * 10_001}, "Your story has 10,001 characters; the limit is 10,000."),
        ("title", {"title": "El cazador asesino"}, "please remove “asesino”"),
    ],
)
def test_a_changed_field_comes_back_with_the_servers_message(owner_client, field, changes, message):
    response = owner_client.post(CHECK, {**_form(**changes), "_field": field}, **HX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<div class="live-field" id="live-{field}"')
    assert "<html" not in body
    assert message in body.replace("&#x27;", "'")


def test_a_good_field_comes_back_without_a_message(owner_client):
    response = owner_client.post(CHECK, {**_form(title="A Ana e as estrelas"), "_field": "title"}, **HX)
    body = response.content.decode()
    assert 'value="A Ana e as estrelas"' in body
    assert "error" not in body


def test_a_chosen_file_is_checked_and_only_its_message_is_swapped(owner_client):
    bad = owner_client.post(
        CHECK, {**_form(), "_field": "story_file", "story_file": _file("a.txt", b"\x00\x01")}
    )
    good = owner_client.post(
        CHECK, {**_form(), "_field": "story_file", "story_file": _file("a.txt", "Olá, lua.")}
    )

    assert 'id="story-file-feedback"' in bad.content.decode()
    assert "This file is not text." in bad.content.decode()
    assert "We read 9 characters from this file." in good.content.decode()


def test_a_page_box_is_checked_when_it_changes(owner_client):
    data = {"_field": "page", "number": "2", "page": ["Um.", "  ", "Três."]}
    body = owner_client.post(CHECK, data, **HX).content.decode()
    assert body.lstrip().startswith('<div class="field page-box field-error" id="page-box-2"')
    assert "Write a few words for this page." in body


@pytest.mark.parametrize("data", [{"_field": "nonsense"}, {"_field": "page", "number": "7", "page": ["Um."]}])
def test_a_check_of_something_the_form_does_not_have_answers_400(owner_client, data):
    assert owner_client.post(CHECK, data, **HX).status_code == 400


def test_the_checks_are_for_signed_in_parents_and_posts(owner_client):
    visitor = Client()
    assert visitor.post(CHECK, {"_field": "title"})["Location"].startswith(reverse("account_login"))
    assert owner_client.get(CHECK).status_code == 405


# --- the page breaks reach the story writers ---------------------------------------------------------


def test_the_parents_pages_are_kept_by_the_offline_writer():
    pages = ["Um dia.", "A Bia riu. Muito.", "Três.", "Quatro.", "Fim."]
    assert page_texts(PAGE_BREAK.join(pages), 5) == pages
    assert len(page_texts(PAGE_BREAK.join(pages), 6)) == 6  # another count: cut again, words kept


def test_the_ai_prompt_marks_the_parents_pages():
    request = StoryRequest(
        theme="",
        num_pages=3,
        language="pt-BR",
        style="cartoon",
        user_story=PAGE_BREAK.join(["Um.", "Dois.", "Três."]),
    )
    _system, user = story_prompts(request)
    assert "<story>Um.\n---\nDois.\n---\nTrês.</story>" in user.text
    assert "keep exactly those pages" in user.text
