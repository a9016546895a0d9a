"""Staff open the admin only with a second factor when STAFF_REQUIRE_MFA is on (the default
whenever DEBUG is off); the admin's sign-in is allauth's, with its code step."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from audit.models import Action, AuditEntry
from audit.tests.helpers import FROM, assert_entry

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-passphrase-9"
ADMIN = "/admin/"


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.STAFF_REQUIRE_MFA = True


@pytest.fixture
def secret(superuser) -> str:
    secret = generate_totp_secret()
    TOTP.activate(superuser, secret)
    return secret


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_staff_without_an_authenticator_are_sent_to_set_one_up(
    client, superuser, django_capture_on_commit_callbacks
):
    login = client.post(
        f"{reverse('account_login')}?next={ADMIN}", {"login": superuser.email, "password": PASSWORD}
    )
    assert login["Location"] == ADMIN  # no code to ask for yet

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    confirm = client.get(response["Location"])  # allauth asks for the password again before adding one
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    client.post(confirm["Location"], {"password": PASSWORD})
    setup = client.get(response["Location"])
    secret = client.session["mfa.totp.secret"]
    assert setup.status_code == 200 and secret in setup.content.decode()  # and its QR code

    with django_capture_on_commit_callbacks(execute=True):  # allauth reports the new authenticator then
        activated = client.post(response["Location"], {"code": _code(secret)})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=superuser, type=Authenticator.Type.TOTP).exists()
    added = AuditEntry.objects.filter(action=Action.MFA_ADDED).values_list("actor", "details")
    assert (superuser.id, {"type": "totp"}) in list(added)
    with time_machine.travel(time.time() + 30):  # the code just used does not work twice
        confirm = client.get(ADMIN)
        assert confirm["Location"].startswith(reverse("mfa_reauthenticate"))
        client.post(confirm["Location"], {"code": _code(secret)})
        assert client.get(ADMIN).status_code == 200


def test_every_admin_page_is_closed_until_then(staff_client):
    response = staff_client.get(reverse("admin:books_book_changelist"))

    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_admin_sign_in_is_allauths(client, superuser):
    to_login = client.get(ADMIN)
    assert to_login["Location"].startswith(reverse("admin:login"))

    response = client.get(to_login["Location"])

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={ADMIN.replace('/', '%2F')}"


def test_staff_with_totp_sign_in_with_a_code_and_reach_the_admin(client, superuser, secret):
    login = client.post(
        f"{reverse('account_login')}?next={ADMIN}", {"login": superuser.email, "password": PASSWORD}, **FROM
    )
    assert login["Location"] == reverse("mfa_authenticate")
    assert client.get(ADMIN).status_code == 302  # not signed in until the code is given

    done = client.post(reverse("mfa_authenticate"), {"code": _code(secret)}, **FROM)

    assert done["Location"] == ADMIN
    page = client.get(ADMIN)
    assert page.status_code == 200 and 'id="ops-dashboard"' in page.content.decode()
    assert_entry(Action.LOGIN, actor=superuser, target=superuser)


def test_a_wrong_code_keeps_the_admin_closed(client, superuser, secret):
    client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert client.get(ADMIN)["Location"].startswith(reverse("admin:login"))


def test_a_session_that_never_gave_the_code_must_give_it_once(staff_client, secret):
    response = staff_client.get(ADMIN)
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2F"

    done = staff_client.post(response["Location"], {"code": _code(secret)})

    assert done["Location"] == ADMIN
    assert staff_client.get(ADMIN).status_code == 200


def test_users_who_are_not_staff_are_unaffected(client, owner):
    login = client.post(reverse("account_login"), {"login": owner.email, "password": "a-long-passphrase-1"})

    assert login["Location"] == reverse("home")  # no code asked
    assert not Authenticator.objects.exists()
    assert client.get(reverse("books:list")).status_code == 200
    assert client.get(ADMIN)["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:login")).status_code == 403  # and no admin sign-in form to try


def test_with_the_requirement_off_staff_open_the_admin_without_a_code(staff_client, settings):
    settings.STAFF_REQUIRE_MFA = False

    assert staff_client.get(ADMIN).status_code == 200


@pytest.mark.parametrize(("debug", "required"), [("1", "False"), ("0", "True")])
def test_the_requirement_follows_debug(debug, required):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "STAFF_REQUIRE_MFA")}
    env.update(DEBUG=debug, SECRET_KEY="s" * 50, ALLOWED_HOSTS="example.com", ALLOW_CONSOLE_EMAIL="1")
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.STAFF_REQUIRE_MFA)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "fabrica.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == required, result.stderr


def test_removing_the_authenticator_is_recorded(client, superuser, secret):
    client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.post(reverse("mfa_deactivate_totp"), **FROM)

    assert response.status_code == 302
    assert not Authenticator.objects.filter(type=Authenticator.Type.TOTP).exists()
    entry = assert_entry(Action.MFA_REMOVED, actor=superuser, target=superuser)
    assert entry.details == {"type": "totp"}
