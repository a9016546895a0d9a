"""Bad input and abuse on the real stack: limits, unicode, injection, traversal, oversized
requests, CSRF, other families' objects, brute-force login and ended share links.

Every response of the battery is collected; the last test asserts none of them was a 5xx.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import string
import subprocess
import time
import uuid

import pytest
import requests

from books.tests.hostile_docx import media_bomb
from tests.integration.conftest import Stack, log_in, ws_headers

pytestmark = [pytest.mark.integration]

GENERATION_TIMEOUT = 120
OWNER_EMAIL = "dona-dos-livros@fabrica.local"
OWNER_PASSWORD = "senha-da-dona-2026"
OTHER_EMAIL = "outra-familia@fabrica.local"  # the conftest's other_parent
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
UNICODE_TITLE = "Açúcar e Coração 🦖✨ — 日本の恐竜"
SQLISH = "'; DROP TABLE books_book; -- \" OR 1=1"

# (method, url, status) of every response of the battery.
SEEN: list[tuple[str, str, int]] = []


def _record(response: requests.Response, *args, **kwargs) -> None:
    SEEN.append((response.request.method, response.request.url, response.status_code))


def watch(session: requests.Session) -> requests.Session:
    if _record not in session.hooks["response"]:
        session.hooks["response"].append(_record)
    return session


@pytest.fixture(scope="module", autouse=True)
def _watched(parent, other_parent):
    """The shared sessions report to SEEN while this module runs, and stop afterwards."""
    watch(parent)
    watch(other_parent)
    yield
    for session in (parent, other_parent):
        session.hooks["response"].remove(_record)


def anonymous() -> requests.Session:
    return watch(requests.Session())


def _create_user(stack: Stack, email: str, password: str) -> None:
    stack.manage(
        "shell",
        "-c",
        "from allauth.account.models import EmailAddress\n"
        "from accounts.models import Tier, User\n"
        f"user = User.objects.create_user(email={email!r}, password={password!r}, tier=Tier.default(),"
        " max_concurrent_books_override=20, daily_requests_override=200)\n"
        "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)\n",
    )


def _token_session(stack: Stack, email: str) -> requests.Session:
    raw_key = stack.manage("api_token", email, "--name", f"abuse-{uuid.uuid4().hex[:6]}").strip()
    session = watch(requests.Session())
    session.headers.update({"Authorization": f"Bearer {raw_key}", "Accept": "application/json"})
    return session


@pytest.fixture(scope="module")
def owner(stack) -> requests.Session:
    """The family whose things the others try to reach (their own quota, not the demo's)."""
    _create_user(stack, OWNER_EMAIL, OWNER_PASSWORD)
    return watch(log_in(stack, OWNER_EMAIL, OWNER_PASSWORD))


@pytest.fixture(scope="module")
def owner_api(stack, owner) -> requests.Session:
    return _token_session(stack, OWNER_EMAIL)


@pytest.fixture(scope="module")
def other_api(stack, other_parent) -> requests.Session:
    return _token_session(stack, OTHER_EMAIL)


def _poll(api: requests.Session, url: str, done: tuple[str, ...]) -> dict:
    deadline = time.monotonic() + GENERATION_TIMEOUT
    while True:
        body = api.get(url, timeout=10).json()
        if body["status"] in done:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"{url} still {body['status']} after {GENERATION_TIMEOUT} s")
        time.sleep(0.5)


def _make_book(stack: Stack, api: requests.Session, **fields) -> dict:
    new = {"style": "cartoon", "num_pages": 5, "theme": "um gato que divide", "language": "pt-BR", **fields}
    created = api.post(f"{stack.base_url}/api/v1/books/", json=new, timeout=10)
    assert created.status_code == 202, created.text
    book = _poll(api, created.headers["Location"], ("generated", "failed"))
    assert book["status"] == "generated", book["error"]
    return book


def _pdf_text(stack: Stack, api: requests.Session, book_id: str) -> str:
    asked = api.post(
        f"{stack.base_url}/api/v1/books/{book_id}/exports/", json={"format": "digital"}, timeout=10
    )
    assert asked.status_code in (200, 202), asked.text
    export = _poll(api, asked.headers["Location"], ("ready", "failed"))
    assert export["status"] == "ready", export["error"]
    pdf = anonymous().get(export["download_url"], timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    path = stack.tmp / f"{book_id}.pdf"
    path.write_bytes(pdf.content)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8")


def _form_post(session: requests.Session, url: str, data: dict, files=None, **kwargs) -> requests.Response:
    data = {**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    return session.post(url, data=data, files=files, headers={"Referer": url}, timeout=30, **kwargs)


def _new_book_form(stack: Stack, session: requests.Session, files=None, **fields) -> requests.Response:
    url = f"{stack.base_url}/books/new/"
    page = session.get(url, timeout=10)
    assert page.status_code == 200
    hidden = dict(
        re.findall(r'<input type="hidden" name="(?!csrfmiddlewaretoken)([^"]+)" value="([^"]*)"', page.text)
    )
    data = {
        "style": "cartoon",
        "num_pages": "5",
        "language": "pt-BR",
        "age_range": "4-6",
        "narrative_source": "generated",
        "theme": "dinossauros e amizade",
        "educational_goal": "amizade",
        "title": "",
        "story": "",
        **hidden,
        **fields,
    }
    return _form_post(session, url, data, files=files, allow_redirects=False)


def _assert_escaped(html: str, *raw: str) -> None:
    for text in raw:
        assert text not in html, f"{text!r} reached the page unescaped"


# --- limits -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pages", [4, 21, 0, -1, 10**9])
def test_the_api_refuses_page_counts_outside_5_to_20(stack, owner_api, pages):
    response = owner_api.post(
        f"{stack.base_url}/api/v1/books/",
        json={"style": "cartoon", "num_pages": pages, "theme": "x"},
        timeout=10,
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] and error["message"] and "num_pages" in error["details"]


@pytest.mark.parametrize("pages", ["4", "21", "abc", ""])
def test_the_form_refuses_page_counts_outside_5_to_20_next_to_the_field(stack, owner, pages):
    response = _new_book_form(stack, owner, num_pages=pages)
    assert response.status_code == 400
    assert "field-error" in response.text


def test_a_story_over_the_limit_is_refused_on_the_form_and_the_api(stack, owner, owner_api):
    long_story = "Era uma vez um dinossauro. " * 400  # 10,800 characters
    response = _new_book_form(stack, owner, narrative_source="uploaded", story=long_story)
    assert response.status_code == 400
    assert "field-error" in response.text or "form-errors" in response.text
    api = owner_api.post(
        f"{stack.base_url}/api/v1/books/",
        json={"style": "cartoon", "num_pages": 5, "narrative_source": "uploaded", "story": long_story},
        timeout=10,
    )
    assert api.status_code == 400, api.text
    assert api.json()["error"]["details"]


def test_an_upload_over_the_size_limit_is_refused_with_413(stack, owner):
    big = b"a" * (51 * 1024 * 1024)
    response = _new_book_form(
        stack, owner, files={"story_file": ("historia.txt", big, "text/plain")}, narrative_source="uploaded"
    )
    assert response.status_code == 413
    assert "MB" in response.text


def _announce_too_much(stack: Stack, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """Announce a 60 MB body, send 1 KB of it: the answer must come from the Content-Length alone."""
    port = int(stack.base_url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("POST", path)
        for name, value in {**headers, "Content-Length": str(60 * 1024 * 1024)}.items():
            connection.putheader(name, value)
        connection.endheaders(b"a" * 1024)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_an_announced_oversized_upload_is_refused_before_it_is_read(stack, owner, owner_api):
    cookies = "; ".join(f"{name}={value}" for name, value in owner.cookies.items())
    status, body = _announce_too_much(
        stack,
        "/books/new/",
        {
            "Cookie": cookies,
            "X-CSRFToken": owner.cookies["csrftoken"],
            "Content-Type": "multipart/form-data; boundary=x",
        },
    )
    SEEN.append(("POST", "/books/new/ (announced 60 MB)", status))
    assert status == 413 and b"MB" in body
    status, body = _announce_too_much(
        stack,
        "/api/v1/books/",
        {**owner_api.headers, "Content-Type": "application/json"},
    )
    SEEN.append(("POST", "/api/v1/books/ (announced 60 MB)", status))
    assert status == 413
    assert json.loads(body)["error"]["code"] == "too_large"


def test_a_body_over_the_size_limit_on_the_api_gets_the_json_error_shape(stack, owner_api):
    big = b'{"theme": "' + b"a" * (52 * 1024 * 1024) + b'"}'
    response = owner_api.post(
        f"{stack.base_url}/api/v1/books/", data=big, headers={"Content-Type": "application/json"}, timeout=60
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
        ("programa.exe", b"MZ\x90\x00" + b"\x00" * 64, "application/octet-stream"),
        ("historia.docx", b"this is not a zip file", "application/vnd.openxmlformats"),
        ("historia.txt", b"\xff\xfe\x00\xd8 broken \x00\x00 utf", "text/plain"),
        ("vazia.txt", b"", "text/plain"),
    ],
)
def test_a_story_file_of_the_wrong_type_is_refused_next_to_the_field(stack, owner, name, content, kind):
    response = _new_book_form(
        stack, owner, files={"story_file": (name, content, kind)}, narrative_source="uploaded"
    )
    assert response.status_code == 400, response.status_code
    assert "field-error" in response.text or "form-errors" in response.text


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "..\\..\\windows\\win.ini.txt", "/etc/passwd.txt"])
def test_a_path_in_an_upload_name_is_only_a_name(stack, owner, name):
    story = "O gato Tom aprende a dividir o lanche.\n\n" * 5
    response = _new_book_form(
        stack, owner, files={"story_file": (name, story.encode(), "text/plain")}, narrative_source="uploaded"
    )
    assert response.status_code in (200, 302, 400), response.status_code
    media = stack.tmp / "media"
    for path in media.rglob("*"):
        assert path.resolve().is_relative_to(media.resolve())
    assert not (stack.tmp / "etc").exists()


def test_a_docx_bomb_is_refused_by_the_form_and_the_live_check(stack, owner, tmp_path):
    bomb = media_bomb(tmp_path / "bomba.docx", gibibytes=4)  # 4 MB that unpack to 4 GiB
    upload = {"story_file": ("historia.docx", bomb.read_bytes(), "application/vnd.openxmlformats")}
    response = _new_book_form(stack, owner, files=upload, narrative_source="uploaded")
    assert response.status_code == 400
    assert "field-error" in response.text
    check = _form_post(
        owner,
        f"{stack.base_url}/books/new/check/",
        {"_field": "story_file"},
        files=upload,
        allow_redirects=False,
    )
    assert check.status_code == 200 and 'id="story-file-feedback"' in check.text
    assert 'id="id_story_file_error"' in check.text and ".docx" in check.text


def test_a_docx_named_with_a_path_is_refused_cleanly(stack, owner):
    response = _new_book_form(
        stack,
        owner,
        files={"story_file": ("../../etc/passwd.docx", b"root:x:0:0:root:/root:/bin/bash\n", "text/plain")},
        narrative_source="uploaded",
    )
    assert response.status_code == 400


# --- unicode, injection and SQL-looking text ------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_book(stack, owner_api) -> dict:
    """A book whose title and story are emoji, accents, CJK, markup and SQL."""
    story = "\n\n".join(
        [
            f"Página um: o dinossauro 🦕 come açúcar. {SCRIPT}",
            f"Página dois: 日本の恐竜が踊る. {IMG}",
            f"Página três: {SQLISH}",
            "Página quatro: ñandú, Ærø, Øre, ß, ü — “aspas” & <b>negrito</b>",
            "Página cinco: fim 🎉",
        ]
    )
    return _make_book(
        stack,
        owner_api,
        title=f"{UNICODE_TITLE} {SCRIPT}",
        narrative_source="uploaded",
        story=story,
        theme=f"tema {IMG}",
    )


def test_unicode_and_markup_come_back_from_the_api_as_data(stack, owner_api, hostile_book):
    response = owner_api.get(f"{stack.base_url}/api/v1/books/{hostile_book['id']}/", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["title"] == f"{UNICODE_TITLE} {SCRIPT}"
    texts = " ".join(page["text"] for page in body["pages"])
    assert "🦕" in texts and "日本の恐竜" in texts and IMG in texts and SQLISH in texts


def test_markup_is_escaped_on_every_page_that_shows_the_book(stack, owner, owner_api, hostile_book):
    book_id = hostile_book["id"]
    share = owner_api.post(
        f"{stack.base_url}/api/v1/books/{book_id}/share/", json={"expiry": "7d"}, timeout=10
    )
    assert share.status_code in (200, 201), share.text
    share_url = share.json()["url"]
    pages = {
        "book": owner.get(f"{stack.base_url}/books/{book_id}/", timeout=10),
        "library": owner.get(f"{stack.base_url}/books/", timeout=10),
        "reader": owner.get(f"{stack.base_url}/books/{book_id}/read/", timeout=10),
        "reader page 2": owner.get(f"{stack.base_url}/books/{book_id}/read/2/", timeout=10),
        "pages": owner.get(f"{stack.base_url}/books/{book_id}/pages/", timeout=10),
        "share": anonymous().get(share_url, timeout=10),
        "share page 1": anonymous().get(share_url.rstrip("/") + "/pages/1/", timeout=10),
        "share page 2": anonymous().get(share_url.rstrip("/") + "/pages/2/", timeout=10),
    }
    for name, response in pages.items():
        assert response.status_code == 200, f"{name}: {response.status_code}"
        _assert_escaped(response.text, SCRIPT, "<img src=x onerror", "<b>negrito</b>")
    assert "&lt;script&gt;" in pages["book"].text
    assert "🦖" in pages["book"].text and "Coração" in pages["library"].text
    assert "日本の恐竜" in pages["reader page 2"].text


def test_the_pdf_carries_unicode_and_markup_as_plain_text(stack, owner_api, hostile_book):
    text = _pdf_text(stack, owner_api, hostile_book["id"])
    flat = " ".join(text.split())
    assert "Açúcar e Coração" in flat
    assert "açúcar" in flat and "ñandú" in flat and "Ærø" in flat
    assert "<script>alert(1)</script>" in flat  # drawn as the words the parent typed
    assert "<b>negrito</b>" in flat


def test_markup_in_the_display_name_is_escaped(stack, owner):
    url = f"{stack.base_url}/me/preferences/"
    response = _form_post(
        owner,
        url,
        {"display_name": f"Mãe {SCRIPT}"[:80], "language": "pt-BR", "paper_size": "a4", "age_range": "4-6"},
        allow_redirects=False,
    )
    assert response.status_code in (200, 302), response.status_code
    for path in ("/", "/me/", "/books/", "/leaderboard/"):
        page = owner.get(f"{stack.base_url}{path}", timeout=10)
        assert page.status_code in (200, 404), f"{path}: {page.status_code}"
        _assert_escaped(page.text, SCRIPT)


@pytest.mark.parametrize("query", [SQLISH, "' OR '1'='1", "%' OR 1=1 --", "\\x00", "日本", "🦖", "a" * 5000])
def test_sql_looking_searches_are_only_searches(stack, owner, other_parent, hostile_book, query):
    response = other_parent.get(f"{stack.base_url}/books/", params={"q": query}, timeout=10)
    assert response.status_code in (200, 400)
    assert hostile_book["id"] not in response.text  # another family's book never shows up
    for params in (
        {"sort": query},
        {"status": query},
        {"style": query},
        {"page": query},
        {"date_from": query},
    ):
        listed = owner.get(f"{stack.base_url}/books/", params=params, timeout=10)
        assert listed.status_code in (200, 400, 404)


def test_sql_looking_api_filters_are_only_filters(stack, owner_api):
    for params in (
        {"status": SQLISH},
        {"ordering": SQLISH},
        {"page": "-1"},
        {"page_size": "99999"},
        {"q": SQLISH},
    ):
        response = owner_api.get(f"{stack.base_url}/api/v1/books/", params=params, timeout=10)
        assert response.status_code in (200, 400, 404)
        if response.status_code != 200:
            assert "error" in response.json()


# --- oversized and malformed requests -------------------------------------------------------------------


def test_an_oversized_header_is_refused_not_crashed(stack):
    try:
        response = anonymous().get(f"{stack.base_url}/", headers={"X-Padding": "a" * 200_000}, timeout=10)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        return  # the server closed the connection on a header it will not read: fine
    assert 400 <= response.status_code < 500


def test_an_oversized_cookie_is_refused_not_crashed(stack):
    try:
        response = anonymous().get(
            f"{stack.base_url}/books/", headers={"Cookie": "sessionid=" + "b" * 60_000}, timeout=10
        )
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        return
    assert response.status_code < 500


def test_a_json_body_over_the_api_limit_is_a_413_in_the_error_shape(stack, owner_api):
    body = {"style": "cartoon", "num_pages": 5, "theme": "a" * 300_000}
    response = owner_api.post(f"{stack.base_url}/api/v1/books/", json=body, timeout=10)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[" * 50_000 + b"]" * 50_000,
        b'{"num_pages": 1e999, "style": "cartoon"}',
        b'{"num_pages": "5", "style": {"$ne": null}}',
        b'"just a string"',
        b"\xff\xfe\xfd",
        json.dumps({"style": "cartoon", "num_pages": 5, "theme": "\u0000\ud800"}).encode(),
    ],
)
def test_malformed_json_is_a_400_in_the_error_shape(stack, owner_api, body):
    response = owner_api.post(
        f"{stack.base_url}/api/v1/books/", data=body, headers={"Content-Type": "application/json"}, timeout=10
    )
    assert 400 <= response.status_code < 500, response.text[:300]
    assert "error" in response.json()


def test_a_patch_with_nonsense_is_a_4xx(stack, owner_api, hostile_book):
    url = f"{stack.base_url}/api/v1/books/{hostile_book['id']}/"
    for body in (
        {"pages": [{"number": 99, "text": "x"}]},
        {"order": [1, 1, 1, 1, 1]},
        {"order": list(range(1, 200))},
        {"title": "x" * 5000},
        {"pages": "não é lista"},
    ):
        response = owner_api.patch(url, json=body, timeout=10)
        assert 400 <= response.status_code < 500, (body, response.status_code, response.text[:300])


# --- CSRF ------------------------------------------------------------------------------------------------


def test_web_posts_without_the_csrf_token_are_refused_with_403(stack, owner, hostile_book):
    book_id = hostile_book["id"]
    for path, data in (
        (
            "/books/new/",
            {"style": "cartoon", "num_pages": "5", "theme": "x", "narrative_source": "generated"},
        ),
        ("/me/tokens/", {"name": "roubado"}),
        (f"/books/{book_id}/delete/", {}),
        (f"/books/{book_id}/share/", {"expiry": "7d"}),
        (f"/books/{book_id}/title/edit/", {"title": "trocado"}),
        ("/me/preferences/", {"display_name": "x", "language": "pt-BR"}),
    ):
        response = owner.post(f"{stack.base_url}{path}", data=data, allow_redirects=False, timeout=10)
        assert response.status_code == 403, f"{path}: {response.status_code}"
    still = owner.get(f"{stack.base_url}/books/{book_id}/", timeout=10)
    assert still.status_code == 200 and "trocado" not in still.text


def test_the_api_with_a_session_cookie_but_no_csrf_token_is_refused(stack, owner):
    response = owner.post(
        f"{stack.base_url}/api/v1/books/",
        json={"style": "cartoon", "num_pages": 5, "theme": "x"},
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"]


# --- other families' things (IDOR) ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def owners_export(stack, owner_api, hostile_book) -> dict:
    asked = owner_api.post(
        f"{stack.base_url}/api/v1/books/{hostile_book['id']}/exports/", json={"format": "digital"}, timeout=10
    )
    assert asked.status_code in (200, 202)
    return _poll(owner_api, asked.headers["Location"], ("ready", "failed"))


@pytest.fixture(scope="module")
def owners_share(stack, owner_api, hostile_book) -> dict:
    response = owner_api.post(
        f"{stack.base_url}/api/v1/books/{hostile_book['id']}/share/", json={"expiry": "7d"}, timeout=10
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_another_familys_book_pages_and_pictures_are_404_on_the_web(stack, other_parent, hostile_book):
    book = hostile_book["id"]
    gets = [
        f"/books/{book}/", f"/books/{book}/read/", f"/books/{book}/read/1/", f"/books/{book}/pages/",
        f"/books/{book}/cover.png", f"/books/{book}/cover-thumb.png", f"/books/{book}/pages/1/image.png",
        f"/books/{book}/pages/1/thumbnail.png", f"/books/{book}/download/", f"/books/{book}/exports/",
        f"/books/{book}/export/digital/", f"/books/{book}/export/print/", f"/books/{book}/share/",
        f"/books/{book}/title/", f"/books/{book}/title/edit/",
        f"/books/{book}/pages/1/text/", f"/books/{book}/pages/1/edit/",
    ]  # fmt: skip
    for path in gets:
        response = other_parent.get(f"{stack.base_url}{path}", allow_redirects=False, timeout=10)
        assert response.status_code == 404, f"GET {path}: {response.status_code}"
    posts = [
        (f"/books/{book}/delete/", {}), (f"/books/{book}/share/", {"expiry": "7d"}),
        (f"/books/{book}/retry/", {}), (f"/books/{book}/title/edit/", {"title": "meu agora"}),
        (f"/books/{book}/pages/1/edit/", {"text": "meu agora"}), (f"/books/{book}/pages/1/regenerate/", {}),
        (f"/books/{book}/pages/1/move/", {"to": "2"}),
        (f"/books/{book}/pages/order/", {"order": "2,1,3,4,5"}),
        (f"/books/{book}/characters/", {"character_sheet": "meu"}), (f"/books/trash/{book}/restore/", {}),
        (f"/books/trash/{book}/delete/", {}), (f"/books/{book}/export/digital/", {}),
    ]  # fmt: skip
    for path, data in posts:
        response = _form_post(other_parent, f"{stack.base_url}{path}", data, allow_redirects=False)
        assert response.status_code == 404, f"POST {path}: {response.status_code}"


def test_another_familys_book_is_404_on_the_api(stack, other_api, hostile_book, owners_export):
    book = hostile_book["id"]
    base = f"{stack.base_url}/api/v1"
    calls = [
        ("get", f"/books/{book}/", None), ("patch", f"/books/{book}/", {"title": "meu"}),
        ("delete", f"/books/{book}/", None), ("post", f"/books/{book}/restore/", {}),
        ("post", f"/books/{book}/pages/1/regenerate/", {}), ("get", f"/books/{book}/pages/1/image/", None),
        ("get", f"/books/{book}/pages/1/thumbnail/", None),
        ("post", f"/books/{book}/exports/", {"format": "digital"}), ("get", f"/books/{book}/share/", None),
        ("post", f"/books/{book}/share/", {"expiry": "7d"}),
        ("get", f"/exports/{owners_export['id']}/", None),
        ("get", f"/exports/{owners_export['id']}/download/forged-signature/", None),
    ]  # fmt: skip
    for method, path, body in calls:
        response = getattr(other_api, method)(f"{base}{path}", json=body, timeout=10)
        assert response.status_code == 404, (
            f"{method.upper()} {path}: {response.status_code} {response.text[:200]}"
        )
        assert response.json()["error"]["code"] == "not_found"
    listed = other_api.get(f"{base}/books/", timeout=10).json()
    assert book not in {b["id"] for b in listed["results"]}


def test_another_familys_share_link_cannot_be_revoked(
    stack, other_parent, other_api, owners_share, hostile_book
):
    link_id = owners_share["id"]
    mine = _make_book(stack, other_api)  # a book of the intruder's own, to put in the URL
    for book in (hostile_book["id"], mine["id"]):
        response = _form_post(
            other_parent, f"{stack.base_url}/books/{book}/share/{link_id}/revoke/", {}, allow_redirects=False
        )
        assert response.status_code == 404
    for key in (str(link_id), owners_share["token"]):
        for book in (hostile_book["id"], mine["id"]):
            response = other_api.delete(f"{stack.base_url}/api/v1/books/{book}/share/{key}/", timeout=10)
            assert response.status_code == 404
    assert anonymous().get(owners_share["url"], timeout=10).status_code == 200  # still works


def test_another_familys_token_cannot_be_revoked(stack, owner_api, other_parent):
    out = stack.manage(
        "shell",
        "-c",
        "from accounts.models import ApiToken\n"
        f"tokens = ApiToken.objects.filter(user__email={OWNER_EMAIL!r}, revoked_at__isnull=True)\n"
        "print(tokens.latest('id').id)",
    )
    token_id = int(out.strip().splitlines()[-1])
    response = _form_post(
        other_parent, f"{stack.base_url}/me/tokens/{token_id}/revoke/", {}, allow_redirects=False
    )
    assert response.status_code == 404
    assert owner_api.get(f"{stack.base_url}/api/v1/me/", timeout=10).status_code == 200


def test_another_familys_webhooks_are_404(stack, owner_api, other_api, other_parent):
    # Made in the database: the address check resolves the host, and this machine has no DNS.
    out = stack.manage(
        "shell",
        "-c",
        "from unittest import mock\n"
        "from accounts.models import User\n"
        "from webhooks import services\n"
        f"owner = User.objects.get(email={OWNER_EMAIL!r})\n"
        "with mock.patch.object(services, 'url_validate', lambda url: url):\n"
        "    hook = services.webhook_create(\n"
        "        owner=owner, url='https://example.com/h', events=['book.generated'])\n"
        "print(hook.id)",
    )
    hook_id = int(out.strip().splitlines()[-1])
    api = f"{stack.base_url}/api/v1/webhooks/"
    for method, path in (
        ("get", f"{hook_id}/"),
        ("delete", f"{hook_id}/"),
        ("get", f"{hook_id}/deliveries/"),
    ):
        response = getattr(other_api, method)(f"{api}{path}", timeout=10)
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
    assert hook_id not in {hook["id"] for hook in other_api.get(api, timeout=10).json()["results"]}
    for path in (f"{hook_id}/delete/", f"{hook_id}/enable/", f"{hook_id}/test/"):
        response = _form_post(other_parent, f"{stack.base_url}/me/webhooks/{path}", {}, allow_redirects=False)
        assert response.status_code == 404, f"POST /me/webhooks/{path}: {response.status_code}"
    assert owner_api.get(f"{api}{hook_id}/", timeout=10).status_code == 200  # still there


def test_unknown_ids_are_404_not_500(stack, other_parent, other_api):
    for path in (
        "/books/not-a-uuid/",
        f"/books/{uuid.uuid4()}/",
        f"/books/{uuid.uuid4()}/pages/99999999999/image.png",
    ):
        assert other_parent.get(f"{stack.base_url}{path}", timeout=10).status_code == 404
    for path in (f"/books/{uuid.uuid4()}/", "/books/123/", f"/exports/{uuid.uuid4()}/"):
        response = other_api.get(f"{stack.base_url}/api/v1{path}", timeout=10)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


# --- share links that ended -------------------------------------------------------------------------------


def test_an_expired_share_link_answers_410_with_a_friendly_page(stack, owner_api, hostile_book):
    made = owner_api.post(
        f"{stack.base_url}/api/v1/books/{hostile_book['id']}/share/", json={"expiry": "1d"}, timeout=10
    )
    assert made.status_code in (200, 201), made.text
    url = made.json()["url"]
    assert anonymous().get(url, timeout=10).status_code == 200
    token = url.rstrip("/").rsplit("/", 1)[-1]
    stack.manage(
        "shell",
        "-c",
        "from datetime import timedelta\nfrom django.utils import timezone\n"
        "from books.models import ShareLink\n"
        f"ShareLink.objects.filter(token={token!r}).update(expires_at=timezone.now() - timedelta(minutes=1))",
    )
    for path in ("", "pages/1/", "pages/1.png", "download/", "cover.png"):
        response = anonymous().get(url.rstrip("/") + "/" + path, timeout=10)
        assert response.status_code == 410, f"{path}: {response.status_code}"
    page = anonymous().get(url, timeout=10)
    assert "<html" in page.text.lower() and "<main" in page.text.lower()
    assert anonymous().get(f"{stack.base_url}/s/never-existed-token/", timeout=10).status_code == 404


def test_a_share_token_opens_only_the_print_pdf(stack, owner_api, hostile_book):
    made = owner_api.post(
        f"{stack.base_url}/api/v1/books/{hostile_book['id']}/share/", json={"expiry": "1d"}, timeout=10
    )
    token = made.json()["url"].rstrip("/").rsplit("/", 1)[-1]
    for format in ("zip", "kdp", "kdp-cover", "digital"):
        url = f"{stack.base_url}/books/{hostile_book['id']}/export/{format}/?share={token}"
        assert anonymous().get(url, timeout=10).status_code == 404, format


def test_a_book_restored_from_the_trash_keeps_its_old_share_links_stopped(stack, owner_api, hostile_book):
    book_url = f"{stack.base_url}/api/v1/books/{hostile_book['id']}/"
    made = owner_api.post(f"{book_url}share/", json={"expiry": "7d"}, timeout=10)
    share_url = made.json()["url"]
    assert anonymous().get(share_url, timeout=10).status_code == 200
    assert owner_api.delete(book_url, timeout=10).status_code in (200, 204)
    assert owner_api.post(f"{book_url}restore/", timeout=10).status_code == 200
    assert owner_api.get(book_url, timeout=10).status_code == 200
    assert anonymous().get(share_url, timeout=10).status_code == 410


# --- crafted addresses and parameters: each was a 500 with a traceback --------------------------------------


def _server_tracebacks(stack: Stack) -> int:
    return (stack.tmp / "uvicorn.log").read_text(errors="replace").count("Traceback")


def test_crafted_addresses_and_parameters_answer_4xx_without_a_traceback(
    stack, owner, owner_api, hostile_book
):
    before = _server_tracebacks(stack)
    for session, path, expected in (
        (anonymous(), "/s/%00/", 404),
        (anonymous(), "/s/%00/pages/1/", 404),
        (owner, "/books/?q=%00", 200),
        (owner, "/books/?q=lua%00gato", 200),
        (owner, "/books/?date_to=9999-12-31", 200),
        (owner, "/books/?date_from=0001-01-01", 200),
        (anonymous(), "/accounts/google/login/", 404),
        (anonymous(), "/accounts/google/login/callback/?code=x&state=y", 404),
    ):
        response = session.get(f"{stack.base_url}{path}", allow_redirects=False, timeout=10)
        assert response.status_code == expected, f"{path}: {response.status_code}"
    for key in ("%C2%B2", "%00", "%E0%A5%A7"):
        url = f"{stack.base_url}/api/v1/books/{hostile_book['id']}/share/{key}/"
        response = owner_api.delete(url, timeout=10)
        assert response.status_code == 404, f"{key}: {response.status_code}"
        assert response.json()["error"]["code"] == "not_found"
    time.sleep(0.5)  # the server writes its log a moment after it answers
    assert _server_tracebacks(stack) == before


def test_a_websocket_to_an_unknown_address_is_refused_without_a_traceback(stack, owner):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    before = _server_tracebacks(stack)
    for path in ("/ws/no-such-thing/", "/ws/books/not-a-uuid/progress/"):
        with pytest.raises(InvalidStatus) as refused:
            connect(
                f"{stack.ws_url}{path}", additional_headers=ws_headers(owner, stack), open_timeout=10
            ).close()
        status = refused.value.response.status_code
        SEEN.append(("GET", f"{path} (WebSocket handshake)", status))
        assert status == 403
    time.sleep(0.5)
    assert _server_tracebacks(stack) == before


# --- brute force -----------------------------------------------------------------------------------------


def test_the_sixth_wrong_password_is_locked_out_and_the_right_one_waits_too(stack):
    email, password = f"forca-bruta-{uuid.uuid4().hex[:6]}@fabrica.local", "senha-certa-longa-2026"
    _create_user(stack, email, password)
    session = anonymous()
    session.headers["Accept-Language"] = "en"
    url = f"{stack.base_url}/accounts/login/"
    session.get(url, timeout=10)
    answers = []
    for attempt in range(7):
        response = _form_post(
            session, url, {"login": email, "password": f"errada-{attempt}"}, allow_redirects=False
        )
        answers.append(
            (
                response.status_code,
                "Too many failed login attempts" in response.text or "Muitas" in response.text,
            )
        )
    assert all(status in (200, 400) and not locked for status, locked in answers[:5]), answers
    assert all(status in (200, 400, 429) and locked for status, locked in answers[5:]), answers
    right = _form_post(session, url, {"login": email, "password": password}, allow_redirects=False)
    assert right.status_code != 302, "a locked-out account logged in with the right password"


# --- metrics labels -----------------------------------------------------------------------------------------


def _request_series(stack: Stack) -> int:
    text = requests.get(f"{stack.base_url}/metrics", timeout=10).text  # loopback may read it
    return sum(1 for line in text.splitlines() if line.startswith("fabrica_http_request_duration_seconds"))


def test_made_up_methods_and_paths_add_no_metrics_series(stack):
    rng = random.Random(5)

    def made_up() -> str:
        return "".join(rng.choices(string.ascii_uppercase + string.digits, k=rng.randint(1, 10)))

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    visitor = anonymous()
    for method in [*methods, made_up()]:  # each kind of request once: every series there can be
        for path in ("/healthz", f"/{made_up()}/"):
            visitor.request(method, f"{stack.base_url}{path}", timeout=10)
    _request_series(stack)  # the scrape is a request too: its own series shows from the next one
    before = _request_series(stack)

    for _ in range(200):
        method = rng.choice([*methods, made_up(), f"M{rng.randint(0, 999)}"])
        path = rng.choice(["/healthz", f"/{made_up()}/"])
        visitor.request(method, f"{stack.base_url}{path}", timeout=10)

    assert _request_series(stack) == before


# --- the verdict -------------------------------------------------------------------------------------------


def test_zzz_no_response_of_the_battery_was_a_5xx():
    assert len(SEEN) > 100, f"only {len(SEEN)} responses seen: the battery did not run"
    errors = [entry for entry in SEEN if entry[2] >= 500]
    assert not errors, errors
