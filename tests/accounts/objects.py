"""Objects owned by a school, for the generic access test (another school's user gets 404)."""
from campaign_site.accounts import services
from campaign_site.accounts.models import Department, Organisation, Person, Role, User
from tests import factories as f


def _user(school):
    user = f.UserFactory()
    services.membership_add(user=user, organisation=school, role=Role.SAFETY_OFFICER)
    return user


OBJECTS = {
    Organisation: lambda school: school,
    Department: lambda school: services.department_create(organisation=school, name="总务处", actor=None),
    Person: lambda school: services.person_create(organisation=school, name="王师傅", position="电工", actor=None),
    User: _user,
}

# The access test reuses the school itself; the query-count test needs a new school per call.
LIST_OBJECTS = {Organisation: lambda school: f.organisation(parent=school.parent)}
