from django.conf import settings

from campaign_site.generic import navigation as nav_registry


def navigation(request):
    """Menu entries for the user's roles, the unread notice count and the user's memberships."""
    context = {"APP_NAME": settings.APP_NAME, "APP_SHORT_NAME": settings.APP_SHORT_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        memberships = getattr(request, "memberships", [])
        context["my_memberships"] = memberships
        context["nav_items"] = nav_registry.items_for(user, roles={m.role for m in memberships})
        context["unread_notice_count"] = user.notices.filter(read_at__isnull=True).count()
    return context
