"""Demo disposal (registered with campaign_site.generic.demo, order 42, after the chemical books):
the district bureau's two licensed waste contractors — one with a licence valid for another year,
one whose licence runs out in 45 days — and, at demo school 1, an expired bottle of copper sulfate
handed over a week ago in a completed batch with its transfer manifest number, plus a draft batch
of waste acid to the contractor whose licence runs out. The expired boric acid of the chemical
books stays on the list for scrap. Through the services; skipped once the bureau has contractors."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaign_site.accounts.models import Organisation, Role
from campaign_site.generic import demo

from . import disposal, services
from .demo import _user
from .models import Cabinet, Chemical, WasteContractor

CONTRACTORS = [
    # name, licence number, days valid from (ago), days valid until (ahead)
    ("郑州市危险废物集中处置中心有限公司", "豫环许可危废字〔2024〕第018号", 700, 400),
    ("河南绿源环保科技有限公司", "豫环许可危废字〔2023〕第105号", 1050, 45),
]


@demo.register(42, "chemicals disposal")
def build(stdout=None):
    from campaign_site.accounts.demo import DISTRICT_CODE, SCHOOL1_CODE

    district = Organisation.objects.filter(code=DISTRICT_CODE).first()
    school = Organisation.objects.filter(code=SCHOOL1_CODE).first()
    custodian = _user(school, Role.LAB_CUSTODIAN, "custodian1") if school else None
    cabinet = Cabinet.objects.filter(organisation=school, code="B1").first() if school else None
    if district is None or custodian is None or cabinet is None:
        if stdout is not None:
            stdout.write("chemicals disposal: no demo chemical books yet; skipped")
        return
    if WasteContractor.objects.filter(organisation=district).exists():
        if stdout is not None:
            stdout.write("chemicals disposal: demo contractors already there; skipped")
        return
    today = timezone.localdate()
    with transaction.atomic():
        contractors = [
            disposal.contractor_create(
                organisation=district, actor=None, name=name, licence_number=number,
                licence_scope="HW49 其他废物（900-047-49 实验室废物）；HW34 废酸；HW35 废碱",
                licence_authority="河南省生态环境厅", licence_valid_from=today - dt.timedelta(days=since),
                licence_valid_until=today + dt.timedelta(days=until), contact_person="王经理",
                phone="0371-6688" + str(1000 + i), address="郑州市中牟县官渡镇")
            for i, (name, number, since, until) in enumerate(CONTRACTORS)
        ]
        copper = services.container_create(
            organisation=school, actor=custodian, chemical=Chemical.objects.get(name_zh="五水硫酸铜"), cabinet=cabinet,
            unit="g", size=Decimal("500"), received_on=today - dt.timedelta(days=800), position="3-1",
            supplier="郑州化学试剂有限公司", expires_on=today - dt.timedelta(days=60))
        handed = disposal.disposal_create(organisation=school, actor=custodian, contractor=contractors[0],
                                          handover_on=today - dt.timedelta(days=7),
                                          manifest_number=f"41010{today:%Y}0000318")
        disposal.disposal_add_container(batch=handed, actor=custodian, container=copper)
        disposal.disposal_add_waste(batch=handed, actor=custodian, description="重金属废液（硫酸铜溶液）",
                                    quantity=Decimal("3"), unit="L")
        disposal.disposal_hand_over(batch=handed, actor=custodian)
        draft = disposal.disposal_create(organisation=school, actor=custodian, contractor=contractors[1],
                                         handover_on=today + dt.timedelta(days=14), note="期末实验废液集中处置")
        disposal.disposal_add_waste(batch=draft, actor=custodian, description="废酸液", quantity=Decimal("5"),
                                    unit="L")
    if stdout is not None:
        stdout.write("chemicals disposal: 2 contractors (one licence running out), 1 batch handed over, 1 draft")
