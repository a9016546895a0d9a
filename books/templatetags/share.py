from django import template

from books.views_share import share_panel_context

register = template.Library()


@register.inclusion_tag("share/_panel.html", takes_context=True)
def share_panel(context, book):
    """The book page's share panel; ``books:share`` renders the same fragment for HTMX."""
    request = context["request"]
    return {
        **share_panel_context(request, book),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
