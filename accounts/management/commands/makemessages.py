"""Django's makemessages with this project's defaults (needs GNU gettext; running the site does not).

    manage.py makemessages -l pt_BR -l es

then translate every empty msgstr in locale/*/LC_MESSAGES/django.po and run
``manage.py compile_translations``. Tests and tooling are left out; ``_lazy`` (an alias some
modules use for gettext_lazy) is read as a translation function.
"""

from django.core.management.commands import makemessages

IGNORED = [".venv/*", "*/tests/*", "tests/*", "bench/*", "docs/*", "media/*", "staticfiles/*"]


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        options["no_obsolete"] = True
        return super().handle(*args, **options)
