"""The admin site, with the operations dashboard on its front page."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class FabricaAdminSite(admin.AdminSite):
    site_header = "Fábrica de Livros"
    site_title = "Fábrica de Livros admin"

    def index(self, request, extra_context=None):
        from fabrica.dashboard import dashboard

        return super().index(request, {**(extra_context or {}), "dashboard": dashboard()})


class FabricaAdminConfig(AdminConfig):
    default_site = "fabrica.admin_site.FabricaAdminSite"
