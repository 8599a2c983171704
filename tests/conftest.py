"""Named organisations and users shared by every test.

city bureau
├── district bureau ("district"): bureau_staff, bureau_inspector, bureau_leader
│   ├── school A: officer_a, principal_a, leader_a, custodian_a, responsible_a
│   └── school B: officer_b, principal_b, custodian_b
└── other district bureau: outsider (bureau safety staff), with other_school
"""
import pytest
from django.utils import translation

from campaign_site.accounts.models import OrgKind, Role, SchoolType

from . import factories as f


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services called directly by a test speak English (the msgids tests assert on); pages still
    render in each user's own language (Chinese by default) through the middleware."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # LocMemCache keeps its data per LOCATION across instances: without this, rate-limit counters
    # (keyed by user id, which the database hands out again) leak from one test into the next.
    from django.core.cache import cache

    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city(db):
    return f.organisation(name="测试市教育局", kind=OrgKind.CITY_BUREAU, code="CITY0001")


@pytest.fixture
def district(city):
    return f.organisation(name="测试区教育局", kind=OrgKind.DISTRICT_BUREAU, parent=city, code="DIST0001")


@pytest.fixture
def other_district(city):
    return f.organisation(name="邻区教育局", kind=OrgKind.DISTRICT_BUREAU, parent=city, code="DIST0002")


@pytest.fixture
def school_a(district):
    return f.organisation(name="实验小学", parent=district, school_type=SchoolType.PRIMARY, code="SCHA0001")


@pytest.fixture
def school_b(district):
    return f.organisation(name="第一中学", parent=district, school_type=SchoolType.JUNIOR, code="SCHB0001")


@pytest.fixture
def other_school(other_district):
    return f.organisation(name="邻区小学", parent=other_district, school_type=SchoolType.PRIMARY, code="SCHO0001")


@pytest.fixture
def officer_a(school_a):
    return f.member(school_a, Role.SAFETY_OFFICER, username="officer_a", full_name="安全员甲")


@pytest.fixture
def principal_a(school_a):
    return f.member(school_a, Role.PRINCIPAL, username="principal_a", full_name="校长甲")


@pytest.fixture
def leader_a(school_a):
    return f.member(school_a, Role.OTHER_LEADER, username="leader_a", full_name="副校长甲")


@pytest.fixture
def custodian_a(school_a):
    return f.member(school_a, Role.LAB_CUSTODIAN, username="custodian_a", full_name="保管员甲")


@pytest.fixture
def responsible_a(school_a):
    return f.member(school_a, Role.RESPONSIBLE_PERSON, username="responsible_a", full_name="责任人甲")


@pytest.fixture
def officer_b(school_b):
    return f.member(school_b, Role.SAFETY_OFFICER, username="officer_b", full_name="安全员乙")


@pytest.fixture
def principal_b(school_b):
    return f.member(school_b, Role.PRINCIPAL, username="principal_b", full_name="校长乙")


@pytest.fixture
def custodian_b(school_b):
    return f.member(school_b, Role.LAB_CUSTODIAN, username="custodian_b", full_name="保管员乙")


@pytest.fixture
def bureau_staff(district):
    return f.member(district, Role.BUREAU_SAFETY, username="bureau_staff", full_name="安全科科员")


@pytest.fixture
def bureau_inspector(district):
    return f.member(district, Role.BUREAU_INSPECTOR, username="bureau_inspector", full_name="督查员")


@pytest.fixture
def bureau_leader(district):
    return f.member(district, Role.BUREAU_LEADER, username="bureau_leader", full_name="局领导")


@pytest.fixture
def outsider(other_district):
    return f.member(other_district, Role.BUREAU_SAFETY, username="outsider", full_name="邻区科员")


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def client_for(client):
    """`client_for(user)` -> the test client logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login
