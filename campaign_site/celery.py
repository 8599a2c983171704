"""The Celery application.

Embedded default: kombu's filesystem transport under var/celery, so `make run` needs no broker
server. Setting REDIS_URL switches the broker to Redis. Periodic tasks live in the database
(django-celery-beat) so the administrator can edit them in the admin.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign_site.settings")

app = Celery("campaign_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
