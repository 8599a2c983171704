"""Registry of periodic tasks. Apps register defaults in AppConfig.ready(); the command
`ensure_periodic_tasks` writes them into django-celery-beat's tables once, after which the
administrator may edit them (schedule, enabled) in the admin without them being overwritten."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week"
    description: str = ""


_registry: dict[str, PeriodicSpec] = {}


def register(**kwargs) -> None:
    spec = PeriodicSpec(**kwargs)
    _registry[spec.name] = spec


def specs() -> list[PeriodicSpec]:
    return list(_registry.values())


def ensure_periodic_tasks() -> int:
    """Create missing periodic tasks; leave existing ones as the administrator set them."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for spec in specs():
        if PeriodicTask.objects.filter(name=spec.name).exists():
            continue
        kwargs = {}
        if spec.every_seconds:
            kwargs["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=spec.every_seconds, period=IntervalSchedule.SECONDS
            )
        else:
            minute, hour, dom, month, dow = spec.crontab.split()
            kwargs["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_month=dom, month_of_year=month, day_of_week=dow,
                timezone=settings.TIME_ZONE,
            )
        PeriodicTask.objects.create(name=spec.name, task=spec.task, description=spec.description, **kwargs)
        created += 1
    return created
