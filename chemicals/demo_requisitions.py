"""Demo requisitions (领用审批单), after the demo chemical books (registered with
campaign_site.generic.demo, order 41). For each demo school, by its chemistry teacher: one closed
(issued, part of it back, the rest consumed), one issued whose leftovers are due today, and one
awaiting the principal's approval. Through the services; skipped once a demo school has one."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaign_site.accounts.models import Organisation, Role
from campaign_site.generic import demo

from . import services
from .demo import _user
from .models import Chemical, Container, ContainerStatus, Requisition


def _bottle(school, chemical):
    return Container.objects.filter(organisation=school, chemical=chemical, status=ContainerStatus.IN_STOCK) \
        .order_by("pk").first()


def _school(school, n: int) -> int:
    teacher, principal = _user(school, Role.TEACHER), _user(school, Role.PRINCIPAL)
    custodian = _user(school, Role.LAB_CUSTODIAN, f"custodian{n}")
    soda, caustic = Chemical.objects.get(name_zh="碳酸钠"), Chemical.objects.get(name_zh="氢氧化钠")
    if not (teacher and principal and custodian and _bottle(school, soda) and _bottle(school, caustic)):
        return 0
    now = timezone.localtime()

    def ask(class_name, purpose, hours, lines):
        req = services.requisition_create(organisation=school, actor=teacher, class_name=class_name, purpose=purpose,
                                          use_at=now + dt.timedelta(hours=hours), lines=lines)
        return services.requisition_submit(requisition=req, actor=teacher)

    closed = ask("九年级(1)班", "碳酸钠与盐酸反应", -3, [(soda, Decimal("20"), "g")])
    services.requisition_approve(requisition=closed, actor=principal)
    line = closed.lines.get()
    services.requisition_issue(requisition=closed, actor=custodian, line=line, container=_bottle(school, soda),
                               quantity="20", equipment="电子天平 0.1 g")
    services.requisition_return(requisition=closed, actor=custodian, line=line, container=_bottle(school, soda),
                                quantity="6")
    services.requisition_consume(requisition=closed, actor=custodian, line=line, quantity="14")

    issued = ask("九年级(2)班", "配制氢氧化钠溶液", 1, [(caustic, Decimal("15"), "g")])
    services.requisition_approve(requisition=issued, actor=principal)
    services.requisition_issue(requisition=issued, actor=custodian, line=issued.lines.get(),
                               container=_bottle(school, caustic), quantity="15", equipment="电子天平 0.1 g")

    ask("九年级(3)班", "酸碱中和滴定", 24, [(caustic, Decimal("10"), "g"), (soda, Decimal("10"), "g")])
    return 3


@demo.register(41, "chemicals requisitions")
def build(stdout=None):
    from campaign_site.accounts.demo import SCHOOL1_CODE, SCHOOL2_CODE

    schools = [Organisation.objects.filter(code=code).first() for code in (SCHOOL1_CODE, SCHOOL2_CODE)]
    if not all(schools) or Requisition.objects.filter(organisation__in=schools).exists():
        if stdout is not None:
            stdout.write("chemicals requisitions: skipped (no demo books yet, or already there)")
        return
    with transaction.atomic():
        made = sum(_school(school, n) for n, school in enumerate(schools, start=1))
    if stdout is not None:
        stdout.write(f"chemicals requisitions: {made} (closed, issued with leftovers due, awaiting approval)")
