"""Writes `tests/matrix/declared.py` from the responses of the code as it is (run by hand, never collected):

    WENMING_TESTING=1 .venv/bin/pytest -p no:xdist -q tests/matrix/record.py

Then read the diff: every line is a claim about who may open a page. A new view is declared by adding its
line by hand (or by running this again and reviewing the new line)."""

import pprint
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from tests.matrix.urlmap import ROLES, patterns, resolve_argument

WORLD_OBJECTS = {
    "cases.Case": "cases.2",
    "participation.Report": "reports.0",
    "inspections.Round": "open_round",
    "geo.Point": "points.0",
    "geo.Area": "street",
    "org.Unit": "bureau",
    "org.SpecialGroup": "group",
    "standards.ProblemCategory": "leaf",
    "org.Person": "person",
    "standards.StandardSet": "standard",
    "surveys.Questionnaire": "questionnaire",
    "surveys.TrainingSession": "session",
    "surveys.Example": "example",
    "core.Notification": "notification",
    "dashboard.TestDate": "test_date",
    "geo.Duty": "duty",
}


def _model_of(callback):
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if cls is None:
        return None
    model = getattr(cls, "model", None)
    if model is None and getattr(cls, "queryset", None) is not None:
        model = cls.queryset.model
    if model is None and getattr(cls, "serializer_class", None) is not None:
        model = getattr(getattr(cls.serializer_class, "Meta", None), "model", None)
    return model


def _models_by_name():
    from django.apps import apps

    return {m._meta.model_name: m for m in apps.get_models()}


def _spec_for(model):
    label = model._meta.label
    return WORLD_OBJECTS.get(label, f"first:{label}")


# URL name (prefix) → the model its `pk` names, for views that do not say (function views, plain View).
BY_NAME = {
    "accounts:user_": "user:street", "accounts:membership_": "user:street", "participation_public:": "reports.0",
    "participation:report_": "reports.0", "participation:photo": "first:participation.ReportPhoto",
    "participation:client_": "first:participation.Open311Client", "geo:point_": "points.0",
    "geo:duty_": "duty", "standards:": "standard", "cases:saved_filter": "first:cases.SavedFilter",
    "cases:kpi_formula": "first:cases.KpiFormula", "cases:export_": "first:cases.ExportJob", "cases:": "cases.2",
    "inspections:round_": "open_round", "inspections:task_": "first:inspections.Task",
    "inspections:inspection_": "first:inspections.Inspection", "inspections:campaign_": "first:inspections.Campaign",
    "inspections:recheck_": "first:inspections.Recheck", "inspection-": "first:inspections.Inspection",
    "surveys:wave_": "first:surveys.Wave", "surveys:response_list": "first:surveys.Wave",
    "surveys:collect": "first:surveys.Wave", "surveys:response_": "first:surveys.Response",
    "surveys:questionnaire_": "questionnaire", "surveys:question_": "first:surveys.Question",
    "surveys:training_": "session", "surveys:material_": "first:surveys.TrainingMaterial",
    "surveys:quiz_": "first:surveys.Quiz", "surveys:example_": "example",
    "scoring:point_history": "points.0", "scoring-point-history": "points.0",
    "scoring:snapshot_": "first:scoring.ScoreSnapshot", "scoring-snapshot-": "first:scoring.ScoreSnapshot",
    "scoring:theme_": "first:scoring.DeductionTheme", "planning:plan_": "first:planning.DayPlan",
    "planning:route_": "first:planning.Route", "planning:stop_": "first:planning.Stop",
    "planning:rule_": "first:planning.VisitRule", "bulletins:bulletin_": "first:bulletins.Bulletin",
    "bulletins:appraisal_": "first:bulletins.AppraisalRun", "bulletins:result_": "first:bulletins.AppraisalResult",
    "bulletins:appeal_": "first:bulletins.Appeal", "bulletins:scheme_": "first:bulletins.AppraisalScheme",
    "core:notification_": "notification", "dashboard:test_date": "test_date",
}  # fmt: skip
# Other arguments by name.
LITERAL = {"fmt": "=json", "action": "=register", "kind": "=people", "day": "=2026-10-01",
           "membership_pk": "first:accounts.Membership", "stratum_pk": "first:surveys.Stratum",
           "session_pk": "session", "point_type_code": "first:standards.PointType",
           "request_id": "tracking_codes.0", "token": "tracking_codes.0", "key": "cases.2"}  # fmt: skip


def _by_name(name: str) -> str | None:
    for prefix in sorted(BY_NAME, key=len, reverse=True):
        if name.startswith(prefix):
            return BY_NAME[prefix]
    return None


def guess_arguments(pattern) -> dict | None:
    names = [a for a in pattern.arguments if a != "format"]
    if not names:
        return {}
    by_name = _models_by_name()
    found = {}
    for name in names:
        if name == "code" and pattern.route.startswith(("public", "open311")):
            found[name] = "tracking_codes.0"
            continue
        if name == "code" and pattern.name.startswith("open311:service"):
            found[name] = "leaf"
            continue
        if name in LITERAL:
            found[name] = LITERAL[name]
            continue
        if name == "pk" and _by_name(pattern.name):
            found[name] = _by_name(pattern.name)
            continue
        base = name.removesuffix("_pk").removesuffix("_id")
        if name in ("pk", "id", "code", "public_id", "object_id"):
            model = _model_of(pattern.callback)
        else:
            model = by_name.get(base.replace("_", ""))
        if model is None:
            return None
        found[name] = _spec_for(model)
    return found


def _get(client, world, role, url, api):
    client.logout()
    headers = {}
    if role != "anonymous":
        if api:
            headers = world.headers(role)
        else:
            client.force_login(world.users[role])
    return client.get(url, headers=headers).status_code


@pytest.mark.django_db
def test_record(client, fuzz_world):
    declared, pending = {}, {}
    for pattern in patterns():
        if pattern.name is None:
            pending[pattern.route] = "unnamed pattern"
            continue
        if pattern.name in declared or pattern.name in pending:
            continue
        specs = guess_arguments(pattern)
        if specs is None:
            pending[pattern.name] = "arguments not guessed: declare by hand"
            continue
        try:
            kwargs = {k: resolve_argument(fuzz_world, k, v) for k, v in specs.items()}
            url = reverse(pattern.name, kwargs=kwargs)
        except (NoReverseMatch, KeyError, AttributeError, IndexError, LookupError) as exc:
            pending[pattern.name] = f"no sample object ({type(exc).__name__}): declare by hand"
            continue
        api = url.startswith("/api/")
        statuses = " ".join(str(_get(client, fuzz_world, role, url, api)) for role in ROLES)
        declared[pattern.name] = (statuses, specs)
    lines = ['"""The declared permission matrix: GET status per role (`urlmap.ROLES` order) for every URL name.',
             "Generated by `tests/matrix/record.py`, then reviewed; checked by `tests/matrix/test_url_matrix.py`.\"\"\"",
             "", "from tests.matrix.urlmap import M", "", "# fmt: off", "DECLARED = {"]  # fmt: skip
    for name, (statuses, specs) in declared.items():
        args = "".join(f", {k}={v!r}" for k, v in specs.items())
        lines.append(f"    {name!r}: M({statuses!r}{args}),")
    lines += ["}", "# fmt: on", "", "# URL names without a matrix yet, with the reason. Only shrinks: a new view must be declared.",
              "PENDING = " + pprint.pformat(pending, width=110), ""]  # fmt: skip
    out = Path(__file__).with_name("declared.py")
    out.write_text("\n".join(lines), encoding="utf-8")
