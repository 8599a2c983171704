import json

from django.core.management import call_command

from campaign_site.campaigns.models import Campaign, CheckItem, Deadline, FocusArea, Phase, Requirement
from campaign_site.campaigns.templates_loader import read_template, template_files, template_load


def _expected():
    data = {}
    for path in template_files():
        d = read_template(path)
        data[d["slug"]] = d
    return data


def test_load_templates_complete_and_idempotent(db):
    call_command("load_campaign_templates")
    call_command("load_campaign_templates")
    expected = _expected()
    assert set(Campaign.objects.templates().values_list("slug", flat=True)) == set(expected)
    assert Campaign.objects.count() == len(expected)
    for slug, d in expected.items():
        c = Campaign.objects.get(slug=slug, is_template=True)
        assert c.title == d["title_zh"]
        assert c.phases.count() == len(d["phases"])
        assert c.deadlines.count() == len(d["deadlines"])
        assert c.requirements.count() == len(d["requirements"])
        assert c.focus_areas.count() == len(d["focus_areas"])
        items = CheckItem.objects.filter(focus_area__campaign=c)
        assert items.count() == sum(len(a["items"]) for a in d["focus_areas"])
        first = d["focus_areas"][0]["items"][0]
        item = items.get(focus_area__code=d["focus_areas"][0]["code"], number=first["number"])
        assert item.text == first["text_zh"] and item.text_en == first["text_en"]
        # the bureau plan text used for copy detection holds the check items in Chinese
        assert first["text_zh"] in c.plan_text
        assert d["title_zh"] in c.plan_text
    assert CheckItem.objects.count() == 69


def test_reload_updates_in_place(db):
    call_command("load_campaign_templates")
    d = json.loads(json.dumps(read_template(template_files()[0])))
    counts = (Phase.objects.count(), Deadline.objects.count(), Requirement.objects.count(),
              FocusArea.objects.count(), CheckItem.objects.count())
    item_pk = CheckItem.objects.get(focus_area__campaign__slug=d["slug"], focus_area__code=d["focus_areas"][0]["code"],
                                    number=d["focus_areas"][0]["items"][0]["number"]).pk
    d["focus_areas"][0]["items"][0]["text_zh"] = "修改后的检查项"
    template_load(d)
    assert CheckItem.objects.get(pk=item_pk).text == "修改后的检查项"
    assert counts == (Phase.objects.count(), Deadline.objects.count(), Requirement.objects.count(),
                      FocusArea.objects.count(), CheckItem.objects.count())


def test_template_detail_shows_every_item_in_english(client_for, bureau_staff, settings):
    call_command("load_campaign_templates")
    template = Campaign.objects.get(slug="qingdao-2019")
    bureau_staff.language = "en"
    bureau_staff.save()
    response = client_for(bureau_staff).get(template.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    for item in CheckItem.objects.filter(focus_area__campaign=template):
        assert item.text_en.replace('"', "&quot;").replace("'", "&#x27;")[:40] in body
    assert "Start a campaign from this template" in body
