"""The admin site, with the operations dashboard on its front page.

Staff sign in through allauth's login (so the second factor applies, see ``audit.staff``),
and every change made here is copied to the audit log with the IP and browser it came from.
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseRedirect
from django.urls import reverse


class FabricaAdminSite(admin.AdminSite):
    site_header = "Fábrica de Livros"
    site_title = "Fábrica de Livros admin"

    def index(self, request, extra_context=None):
        from fabrica.dashboard import dashboard

        return super().index(request, {**(extra_context or {}), "dashboard": dashboard()})

    def login(self, request, extra_context=None):
        from allauth.account.decorators import secure_admin_login

        # Django's own form would sign staff in without the second factor: allauth's login does it.
        if request.user.is_active and request.user.is_staff:
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        return secure_admin_login(super().login)(request, extra_context)

    def admin_view(self, view, cacheable=False):
        from audit.staff import admin_changes_record, admin_log_mark, staff_mfa_redirect

        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            redirect = staff_mfa_redirect(request) if getattr(view, "__name__", "") != "logout" else None
            if redirect is not None:
                return redirect
            since = admin_log_mark(request)
            response = inner(request, *args, **kwargs)
            admin_changes_record(request, response, since=since)
            return response

        return update_wrapper(wrapper, inner)


class FabricaAdminConfig(AdminConfig):
    default_site = "fabrica.admin_site.FabricaAdminSite"

    def ready(self):
        super().ready()
        # The project package has no app of its own: its system checks register here.
        import fabrica.db_pool  # noqa: F401
