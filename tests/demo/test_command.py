"""`wenming load_demo` refuses to run where demo accounts are not allowed, and writes nothing then."""

import pytest
from django.core.management import CommandError, call_command

from wenming.accounts.models import User
from wenming.geo.models import Area, Point
from wenming.org.models import Person, SpecialGroup, Unit


def test_refused_without_demo_accounts_allowed_and_nothing_written(db, settings):
    # given a production-like configuration (DEBUG off, WENMING_ALLOW_DEMO_ACCOUNTS unset)
    settings.DEBUG = False
    settings.DEMO_ACCOUNTS_ALLOWED = False
    # when the demo is loaded
    with pytest.raises(CommandError) as refused:
        call_command("load_demo", "--seed", "7")
    # then the command fails (non-zero exit from the shell) with a clear Chinese message
    assert "不允许演示账号" in str(refused.value)
    assert "WENMING_ALLOW_DEMO_ACCOUNTS" in str(refused.value)
    # and nothing was written
    for model in (Unit, SpecialGroup, Area, Point, Person, User):
        assert model.objects.count() == 0, model.__name__


def test_seed_must_be_a_number(db):
    with pytest.raises(CommandError):
        call_command("load_demo", "--seed", "abc")
    assert Unit.objects.count() == 0
