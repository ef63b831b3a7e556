"""Child-process helper of the kill tests: run with the server's environment (its database, its data dir).

    python -m tests.durability.world setup OUT.json      migrate, build places/people/a published round with
                                                         tasks, an Open311 client; write what the test needs
    python -m tests.durability.world count IN.json       how many rows each submission key produced
    python -m tests.durability.world export N OUT.json   N cases (bulk) and a queued export job of all of them
    python -m tests.durability.world job ID              the export job and its task, as JSON

Real rows through the services where they matter (round, tasks, client, the export job and its task); the
bulk of cases for a long export is cloned from one case made by the cases service.
"""

import json
import sys


def setup(out: str) -> None:
    import datetime

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)  # a no-op on the test's copy of a migrated DB

    from tests.factories import make_point, make_point_type, make_user
    from tests.inspections.factories import all_compliant, make_standard
    from tests.participation.helpers import LAT, LON, build_world
    from wenming.inspections import services as inspections
    from wenming.inspections.choices import RoundKind
    from wenming.participation import services as participation

    w = build_world()
    pt = make_point_type(name="背街小巷")
    points = [
        make_point(point_type=pt, area=w.street, name=f"测试点{i}", lat=24.50 + i * 0.0005, lon=118.10)
        for i in range(8)
    ]
    standard, criteria = make_standard([pt])
    inspector = make_user("inspector", username="kill-inspector")
    round_ = inspections.create_round(
        actor=w.office, kind=RoundKind.MOCK, name="断电测试轮次", period_start=datetime.date(2026, 12, 1),
        period_end=datetime.date(2026, 12, 31), standard_set=standard, plan={"mode": "random", "per_type": {pt.code: len(points)}},
        seed=7, inspectors=[inspector],
    )  # fmt: skip
    inspections.publish_round(actor=w.office, round=round_)
    client, api_key = participation.issue_client(actor=w.office, name="断电测试客户端", hourly_limit=100_000)
    tasks = [
        {"task": t.pk, "lat": float(t.point.lat), "lon": float(t.point.lon)}
        for t in round_.tasks.select_related("point").order_by("pk")
    ]
    data = {
        "api_key": api_key,
        "inspector": inspector.username,
        "password": "pw-Test-123",
        "office": w.office.username,
        "tasks": tasks,
        "observations": all_compliant(criteria),
        "service_code": w.leaf.code,
        "lat": LAT,
        "lon": LON,
    }
    with open(out, "w") as f:
        json.dump(data, f)


def count(path: str) -> None:
    from wenming.inspections.models import Inspection
    from wenming.participation.models import Report

    with open(path) as f:
        keys = json.load(f)
    result = {"open311": {}, "inspections": {}}
    for key in keys["open311"]:
        result["open311"][key] = list(
            Report.objects.filter(idempotency_key__endswith=f":{key}").values_list("pk", flat=True)
        )
    for key in keys["inspections"]:
        result["inspections"][key] = list(
            Inspection.objects.filter(client_id=key).values_list("pk", flat=True)
        )
    result["reports_total"] = Report.objects.count()
    result["inspections_total"] = Inspection.objects.count()
    print(json.dumps(result))


def export(n: int, out: str) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)  # a no-op on the test's copy of a migrated DB

    from tests.cases.helpers import build_world as cases_world
    from tests.cases.helpers import new_case
    from wenming.accounts.models import User
    from wenming.cases.exports import start_case_export
    from wenming.cases.models import Case
    from wenming.core.models import new_public_id

    w = cases_world()
    first = new_case(w, actor=w.inspector)
    template = {f.attname: getattr(first, f.attname) for f in Case._meta.concrete_fields if not f.primary_key}
    clones = [
        Case(**{**template, "code": f"{first.code}-{i:05d}", "public_id": new_public_id()})
        for i in range(n - 1)
    ]
    Case.objects.bulk_create(clones, batch_size=1000)
    office = User.objects.get(pk=w.office.pk)
    job = start_case_export(actor=office, query="")
    with open(out, "w") as f:
        json.dump({"job": job.pk, "cases": Case.objects.count()}, f)


def job(pk: int) -> None:
    from django_tasks_db.models import DBTaskResult

    from wenming.cases.models_web import ExportJob

    row = ExportJob.objects.get(pk=pk)
    tasks = list(
        DBTaskResult.objects.filter(task_path__endswith="run_case_export").values("status", "worker_ids")
    )
    print(
        json.dumps(
            {
                "status": row.status,
                "done_rows": row.done_rows,
                "total": row.total,
                "file": row.file.path if row.file else "",
                "tasks": tasks,
            }
        )
    )


if __name__ == "__main__":
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "setup":
        setup(args[0])
    elif command == "count":
        count(args[0])
    elif command == "export":
        export(int(args[0]), args[1])
    elif command == "job":
        job(int(args[0]))
    else:
        raise SystemExit(f"unknown command {command}")
