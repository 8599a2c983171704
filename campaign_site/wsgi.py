import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign_site.settings")
application = get_wsgi_application()


def _freeze_loaded_objects():
    """Load the URL conf, then move every object that lives as long as the process (modules,
    models, URL patterns: ~170,000 of them) out of the garbage collector's reach. Otherwise each
    full collection walks them all — ~80 ms measured on this app — and lands on whatever request
    happens to allocate at that moment (bench/README.md, "List pages")."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every app's views
    gc.collect()
    gc.freeze()


_freeze_loaded_objects()
