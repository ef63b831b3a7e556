"""`wenming generate`: reproducible from its seed; refuses a database with data it did not make."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wenming.accounts.models import User
from wenming.cases.models import Case
from wenming.demo.generate import GenerateRefused, generate


def test_same_seed_same_district(db):
    # generated twice from the same seed (the second on top of the first, with --force), the two halves agree
    fixed = timezone.now().replace(microsecond=0)
    generate(cases=60, years=1, seed=5, now=fixed, log=lambda m: None)
    first = list(Case.objects.order_by("pk").values_list("state", "category_id", "point_id", "reported_at"))
    generate(cases=60, years=1, seed=5, now=fixed, force=True, log=lambda m: None)
    second = list(Case.objects.order_by("pk").values_list("state", "category_id", "point_id", "reported_at"))
    assert second[60:] == first


def test_refuses_a_database_with_real_data(db):
    User.objects.create_user(username="someone", password="x-Long-Password-1")
    with pytest.raises(GenerateRefused):
        generate(cases=10, log=lambda m: None)
    assert Case.objects.count() == 0
    with pytest.raises(CommandError) as refused:
        call_command("generate", "--cases", "10")
    assert "--force" in str(refused.value)
    call_command("generate", "--cases", "10", "--force", stdout=io.StringIO())
    assert Case.objects.count() == 10


def test_bad_arguments_are_refused(db):
    with pytest.raises(CommandError):
        call_command("generate", "--years", "0")
    with pytest.raises(CommandError):
        call_command("generate", "--cases", "0")
    assert Case.objects.count() == 0
