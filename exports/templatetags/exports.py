from django import template

from exports.selectors import panel_context

register = template.Library()


@register.inclusion_tag("exports/_panel.html", takes_context=True)
def exports_panel(context, book):
    """The download panel of a book page; ``exports:panel`` renders the same fragment for HTMX."""
    return {
        **panel_context(book=book, user=context["request"].user),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
