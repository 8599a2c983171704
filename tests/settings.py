"""The site's settings plus a tests-only app of concrete models over the core's abstract bases."""
from campaign_site.settings import *  # noqa: F401,F403
from campaign_site.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.coretest"]
