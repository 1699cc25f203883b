"""Staff groups and their permissions; role_of for every kind of user."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from packages.roles import (
    ENGINEERS_GROUP,
    MANAGERS_GROUP,
    Role,
    contact_of,
    is_manager,
    is_support_staff,
    role_of,
)
from packages.services import ENGINEER_PERMISSIONS, MANAGER_PERMISSIONS, roles_sync
from tests.factories import ContactFactory, EngineerFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def group_permissions(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_migrate_seeds_the_engineers_group_with_its_permissions():
    # given the migrated database
    # when the engineers' group is read
    perms = group_permissions(ENGINEERS_GROUP)
    # then it holds exactly the engineers' permissions: no dashboards, no extensions
    assert perms == set(ENGINEER_PERMISSIONS)
    assert "tickets.extend_sla" not in perms
    assert "tickets.view_dashboard" not in perms


def test_migrate_seeds_the_managers_group_with_engineer_and_manager_permissions():
    # given the migrated database
    # when the managers' group is read
    perms = group_permissions(MANAGERS_GROUP)
    # then it holds everything an engineer can do and the managers' own permissions
    assert perms == set(ENGINEER_PERMISSIONS) | set(MANAGER_PERMISSIONS)


def test_roles_sync_is_idempotent():
    # given the seeded groups
    before = {name: group_permissions(name) for name in (ENGINEERS_GROUP, MANAGERS_GROUP)}
    # when the sync runs again
    roles_sync()
    # then nothing is duplicated or lost
    assert Group.objects.filter(name__in=[ENGINEERS_GROUP, MANAGERS_GROUP]).count() == 2
    assert before == {name: group_permissions(name) for name in before}


def test_group_membership_grants_the_permissions():
    # given an engineer and a manager
    engineer, manager = EngineerFactory(), ManagerFactory()
    # when their permissions are checked
    # then both can work tickets, only the manager can extend SLAs and see dashboards
    assert engineer.has_perm("tickets.change_ticket")
    assert manager.has_perm("tickets.change_ticket")
    assert not engineer.has_perm("tickets.extend_sla")
    assert manager.has_perm("tickets.extend_sla")
    assert manager.has_perm("tickets.view_dashboard")
    assert manager.has_perm("packages.change_contract")
    assert not engineer.has_perm("packages.change_contract")


@pytest.mark.parametrize(
    ("make_user", "expected"),
    [
        pytest.param(lambda: AnonymousUser(), Role.ANONYMOUS, id="anonymous"),
        pytest.param(lambda: None, Role.ANONYMOUS, id="no-user"),
        pytest.param(lambda: UserFactory(), Role.NONE, id="plain-user"),
        pytest.param(lambda: ContactFactory().user, Role.CONTACT, id="contact"),
        pytest.param(
            lambda: ContactFactory(is_customer_admin=True).user, Role.CONTACT, id="customer-admin"
        ),
        pytest.param(lambda: EngineerFactory(), Role.ENGINEER, id="engineer"),
        pytest.param(lambda: ManagerFactory(), Role.MANAGER, id="manager"),
        pytest.param(lambda: UserFactory(is_superuser=True), Role.MANAGER, id="superuser"),
        pytest.param(lambda: ContactFactory(user__is_active=False).user, Role.NONE, id="inactive"),
    ],
)
def test_role_of(make_user, expected):
    # given a user of some kind
    user = make_user()
    # when their role is asked for
    role = role_of(user)
    # then it is the expected one
    assert role == expected


def test_manager_group_wins_over_engineer_group():
    # given an engineer who is also in the managers' group
    user = EngineerFactory()
    user.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    # when the role is asked for
    # then the stronger role counts
    assert role_of(user) == Role.MANAGER


def test_role_helpers():
    # given a contact, an engineer and a manager
    contact = ContactFactory()
    engineer, manager = EngineerFactory(), ManagerFactory()
    # when the helpers are asked
    # then only the contact has a contact row, staff are staff, managers are managers
    assert contact_of(contact.user) == contact
    assert contact_of(engineer) is None
    assert not is_support_staff(contact.user)
    assert is_support_staff(engineer) and is_support_staff(manager)
    assert not is_manager(engineer) and is_manager(manager)
