"""Password rules and the forced change of a temporary password (issue 11 point 11)."""
import pytest
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from campaign_site.accounts import services
from campaign_site.accounts.models import Role, User
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import AuditEvent


@pytest.mark.parametrize("password, username", [
    ("Aa1!Aa1!", "someone"),          # too short
    ("zhangwei88", "zhangwei"),       # two classes, contains the user name
    ("leader2leader2", "leader2"),    # two classes, the user name twice
    ("Zhangwei2026", "zhangwei"),     # three classes but the user name
    ("Password123", "someone"),       # a common password
    ("abcdefghijk1", "someone"),      # two classes
])
def test_weak_passwords_are_refused(db, password, username):
    with pytest.raises(ValidationError):
        validate_password(password, User(username=username))


def test_a_good_password_passes(db):
    validate_password("Xiao-yuan7anquan", User(username="zhangwei"))


def test_a_manager_cannot_give_a_weak_initial_password(bureau_staff, school_a):
    with pytest.raises(DomainError):
        services.user_create(username="zhangwei", full_name="张伟", password="zhangwei88", organisation=school_a,
                             roles=[Role.SAFETY_OFFICER], actor=bureau_staff)


def test_the_password_change_page_refuses_a_weak_password(client_for, officer_a):
    from tests.factories import PASSWORD

    response = client_for(officer_a).post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "leader2leader2", "new_password2": "leader2leader2"})
    assert response.status_code == 200  # the form again, with the rule
    officer_a.refresh_from_db()
    assert officer_a.check_password(PASSWORD)


def test_temporary_passwords_use_the_default_hasher_at_full_strength(settings, bureau_staff, officer_a):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    services.user_reset_password(user=officer_a, actor=bureau_staff)
    officer_a.refresh_from_db()
    hasher = identify_hasher(officer_a.password)
    assert type(hasher) is type(get_hasher())
    assert int(officer_a.password.split("$")[1]) == get_hasher().iterations
    assert not hasher.must_update(officer_a.password)


def test_a_temporary_password_must_be_changed_at_first_login(client, bureau_staff, officer_a):
    password = services.user_reset_password(user=officer_a, actor=bureau_staff)
    client.post(reverse("accounts:login"), {"username": "officer_a", "password": password})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    assert client.get(reverse("accounts:profile")).status_code == 302
    page = client.get(reverse("accounts:password_change"))
    assert 'data-testid="must-change"' in page.content.decode()
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": "Anquan-2026-xyz", "new_password2": "Anquan-2026-xyz"})
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert not officer_a.must_change_password
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="password_changed", user=officer_a).exists()


def test_roster_and_manager_passwords_are_temporary(bureau_staff, school_a):
    generated = services.user_create(username="gen", full_name="甲", password=services.generate_password(),
                                     temporary_password=True, organisation=school_a, roles=[Role.PRINCIPAL],
                                     actor=bureau_staff)
    chosen = services.user_create(username="chosen", full_name="乙", password="Anquan-2026-xyz",
                                  organisation=school_a, roles=[Role.PRINCIPAL], actor=bureau_staff)
    assert generated.must_change_password and chosen.must_change_password


def test_demo_logins_keep_their_password_without_a_forced_change(db):
    from campaign_site.accounts import demo

    demo.build()
    user = User.objects.get(username="officer1")
    assert user.check_password("demo12345") and not user.must_change_password
    assert not User.objects.get(username=demo.ADMIN_LOGIN[0]).must_change_password


@pytest.mark.parametrize("command, args", [("seed_demo", []), ("setup_site", ["--demo"])])
def test_the_demo_refuses_to_run_in_production(db, settings, command, args):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command(command, *args)
    assert not User.objects.filter(username="officer1").exists()
