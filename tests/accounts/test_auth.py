from django.urls import reverse

from tests.factories import PASSWORD


def test_login_and_logout(client, officer_a):
    response = client.post(reverse("accounts:login"), {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "安全员甲" in home.content.decode()
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_stays_on_login(client, officer_a):
    response = client.post(reverse("accounts:login"), {"username": "officer_a", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_language_switch_persists_on_user(client_for, officer_a):
    client = client_for(officer_a)
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.language == "en"
    page = client.get(reverse("accounts:profile"))
    assert page["Content-Language"] == "en"
    assert "My profile" in page.content.decode()


def test_unknown_language_falls_back_to_chinese(client_for, officer_a):
    client_for(officer_a).post(reverse("accounts:set_language"), {"language": "xx"})
    officer_a.refresh_from_db()
    assert officer_a.language == "zh-hans"


def test_admin_is_for_superusers_only(client_for, bureau_staff, superuser):
    bureau_staff.is_staff = True
    bureau_staff.save()
    assert client_for(bureau_staff).get("/admin/").status_code == 302
    assert client_for(superuser).get("/admin/").status_code == 200
