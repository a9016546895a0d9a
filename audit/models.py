"""Who did what to which object, when and from where. Rows are only ever added."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Every action the log knows; call sites pass these, the admin filters by them."""

    LOGIN = "auth.login", _("signed in")
    LOGIN_FAILED = "auth.login_failed", _("failed sign-in")
    LOGOUT = "auth.logout", _("signed out")
    MFA_ADDED = "mfa.added", _("second factor added")
    MFA_REMOVED = "mfa.removed", _("second factor removed")
    BOOK_DELETED = "book.deleted", _("book moved to the trash")
    BOOK_RESTORED = "book.restored", _("book restored from the trash")
    BOOK_PURGED = "book.purged", _("book deleted for good")
    SHARE_CREATED = "share.created", _("share link created")
    SHARE_REVOKED = "share.revoked", _("share link revoked")
    EXPORT_REQUESTED = "export.requested", _("export requested")
    EXPORT_DOWNLOADED = "export.downloaded", _("export downloaded")
    TOKEN_CREATED = "token.created", _("API token created")
    TOKEN_REVOKED = "token.revoked", _("API token revoked")
    ADMIN_ADD = "admin.add", _("admin: added")
    ADMIN_CHANGE = "admin.change", _("admin: changed")
    ADMIN_DELETE = "admin.delete", _("admin: deleted")
    ADMIN_ACTION = "admin.action", _("admin: bulk action")
    ACCOUNT_DELETED = "account.deleted", _("account deleted")


class AuditEntry(models.Model):
    Action = Action

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # SET_NULL: the entry outlives the account; actor_label keeps a (possibly anonymized) name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True, choices=Action.choices)
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action} {self.target_label}"
