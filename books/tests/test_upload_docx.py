""".docx stories: the text of the document's paragraphs, read with bounded memory whatever the
archive holds (the hostile archives come from books/tests/hostile_docx.py)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from books.models import Book
from books.story_docx import docx_story_text
from books.tests.hostile_docx import document_bomb, document_of_words, docx_bytes, docx_parts, media_bomb
from books.uploads import UploadInvalid

pytestmark = pytest.mark.django_db

NEW = reverse("books:new")
CHECK = reverse("books:new_validate")
MB = 1024 * 1024
TOO_LARGE = "This .docx file unpacks to far more than a story needs"


# The same code the web process runs, in a fresh process, so its peak memory is its own. The
# address-space cap keeps a failing run from taking the machine down: it fails the growth check.
_MEASURE = """
import json, os, resource, sys
import django
django.setup()
from django.core.files import File
from django.utils import translation
from books.uploads import UploadInvalid, story_from_upload

translation.activate("en")
with open("/proc/self/statm") as statm:
    limit = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") + 2 * 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb") as handle:
    try:
        story_from_upload(upload=File(handle, name="historia.docx"))
        outcome = "accepted"
    except UploadInvalid as exc:
        outcome = exc.message
    except MemoryError:
        outcome = "out of memory"
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_mb": (after - before) / 1024, "outcome": outcome}))
"""


def _measured(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- memory stays bounded ---------------------------------------------------------------------


def test_a_50_mb_docx_of_zero_filled_pictures_is_refused_in_bounded_memory(tmp_path):
    path = media_bomb(tmp_path / "bomba.docx", gibibytes=48)  # 48 GiB once unpacked
    assert 45 * MB < path.stat().st_size <= settings.STORY_UPLOAD_MAX_BYTES

    measured = _measured(path)

    assert measured["growth_mb"] < 100
    assert measured["outcome"].startswith(TOO_LARGE)


def test_a_document_xml_of_40_mb_is_refused_in_bounded_memory(tmp_path):
    measured = _measured(document_bomb(tmp_path / "bomba.docx", megabytes=40))

    assert measured["growth_mb"] < 100
    assert measured["outcome"].startswith(TOO_LARGE)


def test_a_document_xml_of_9_mb_of_words_is_counted_in_bounded_memory(tmp_path):
    measured = _measured(document_of_words(tmp_path / "longa.docx", megabytes=9))

    assert measured["growth_mb"] < 100
    assert measured["outcome"].startswith("Your story has ")


# --- refused with a clear message through both doors -------------------------------------------


def _form(**changes) -> dict:
    data = {
        "style": "cartoon",
        "num_pages": "5",
        "language": "pt-BR",
        "age_range": "4-6",
        "narrative_source": "uploaded",
        "story": "",
        "liberty": "faithful",
    }
    return {**data, **changes}


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile("historia.docx", path.read_bytes())


def test_the_create_form_refuses_a_docx_bomb_next_to_the_file_field(owner_client, tmp_path):
    bomb = media_bomb(tmp_path / "bomba.docx", gibibytes=1)

    response = owner_client.post(NEW, _form(story_file=_upload(bomb)))

    assert response.status_code == 400
    errors = [str(error) for error in response.context["form"].errors["story_file"]]
    assert errors and errors[0].startswith(TOO_LARGE)
    assert not Book.objects.exists()


def test_the_live_file_check_refuses_a_docx_bomb(owner_client, tmp_path):
    bomb = media_bomb(tmp_path / "bomba.docx", gibibytes=1)

    response = owner_client.post(CHECK, _form(_field="story_file", story_file=_upload(bomb)))

    body = response.content.decode().replace("&#x27;", "'")
    assert 'id="story-file-feedback"' in body
    assert TOO_LARGE in body
    assert "We read" not in body


# --- the text, as before ----------------------------------------------------------------------


def test_headings_runs_tabs_and_line_breaks_read_as_python_docx_reads_them():
    from docx import Document

    document = Document()
    document.add_heading("A Bia e a semente", level=1)
    paragraph = document.add_paragraph("A Bia ")
    paragraph.add_run("plantou").bold = True
    paragraph.add_run("\tuma").add_break()
    paragraph.add_run("semente.")
    document.add_page_break()
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Uma tabela"
    document.add_paragraph("Nasceu   uma flor.")
    out = io.BytesIO()
    document.save(out)

    text, count = docx_story_text(file=io.BytesIO(out.getvalue()))

    assert text == "A Bia e a semente\n\nA Bia plantou uma semente.\n\nNasceu uma flor."
    expected = (" ".join(p.text.split()) for p in Document(io.BytesIO(out.getvalue())).paragraphs)
    assert text == "\n\n".join(p for p in expected if p) and count == len(text)


def test_a_docx_with_a_photo_is_read(tmp_path):
    from docx import Document
    from PIL import Image

    photo = tmp_path / "foto.png"
    Image.effect_noise((300, 300), 80).convert("RGB").save(photo)  # noise packs like a photo
    document = Document()
    document.add_paragraph("A Bia plantou uma semente.")
    document.add_picture(str(photo))
    out = io.BytesIO()
    document.save(out)

    assert docx_story_text(file=io.BytesIO(out.getvalue()))[0] == "A Bia plantou uma semente."


def test_a_document_with_an_entity_declaration_is_refused_unread():
    parts = docx_parts(docx_bytes("A Bia."))
    lol = b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    head, rest = parts["word/document.xml"].split(b"?>", 1)
    parts["word/document.xml"] = head + b"?>" + lol + rest.replace(b"A Bia.", b"&b;")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    with pytest.raises(UploadInvalid, match="We could not read this .docx file"):
        docx_story_text(file=io.BytesIO(out.getvalue()))


def test_a_docx_with_thousands_of_parts_is_refused_before_its_directory_is_loaded():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in docx_parts(docx_bytes("A Bia.")).items():
            archive.writestr(name, data)
        for number in range(6000):
            archive.writestr(f"word/parts/part{number}.xml", b"")

    with pytest.raises(UploadInvalid, match=TOO_LARGE):
        docx_story_text(file=io.BytesIO(out.getvalue()))
