"""Notices belong to one person: everybody else (even the bureau above) gets 404."""
from campaign_site.notifications.models import Notice
from campaign_site.notifications.services import notify


def notice_for(user):
    return notify(key=f"test:{user.pk}", title="测试通知", users=[user], url="/")[0]


PERSONAL = {Notice: notice_for}
VIEW_MODELS = {"notifications:open": Notice}
