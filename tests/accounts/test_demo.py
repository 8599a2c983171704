from django.core.management import call_command
from django.urls import reverse

from campaign_site.accounts import demo
from campaign_site.accounts.models import Department, Membership, Organisation, Person, Role, User


def _counts():
    return tuple(m.objects.count() for m in (Organisation, Department, Person, User, Membership))


def test_demo_builder_is_idempotent(db):
    demo.build()
    first = _counts()
    demo.build()
    assert _counts() == first
    district = Organisation.objects.get(code=demo.DISTRICT_CODE)
    assert Organisation.objects.below(district).schools().count() == 30
    assert district.parent.name == "郑州市教育局"
    assert Organisation.objects.get(code=demo.OTHER_DISTRICT_CODE).children.count() == 3


def test_demo_logins_work_and_are_scoped(db, client):
    demo.build()
    response = client.post(reverse("accounts:login"), {"username": "officer1", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    # the demo accounts keep the printed password: no forced change at the first login
    assert client.get(reverse("home")).status_code == 200
    officer1 = User.objects.get(username="officer1")
    school1 = Organisation.objects.get(code=demo.SCHOOL1_CODE)
    assert officer1.has_role(school1, Role.SAFETY_OFFICER)
    assert list(Organisation.objects.visible_to(officer1)) == [school1]
    outsider = User.objects.get(username="outsider")
    assert not Organisation.objects.visible_to(outsider).filter(code=demo.SCHOOL1_CODE).exists()
    assert User.objects.get(username="admin").is_superuser
    assert Department.objects.filter(organisation=school1, name="总务处").exists()


def test_demo_logins_command(db, capsys, monkeypatch):
    demo.build()
    monkeypatch.setenv("PORT", "8765")
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8765" in out
    assert "用户名" in out and "Username" in out and "Password" in out
    for username in ("officer1", "principal2", "bureau", "inspector", "bureauleader", "admin", "outsider"):
        assert username in out
    assert demo.DEMO_PASSWORD in out


def test_seed_demo_command_runs_twice(db):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
