"""Child-process helper of the two-node test: run with a node's environment (its database, its data dir).

    python -m tests.multinode.world setup N OUT.json   places, people, a category and N cases (more than the
                                                       synchronous export limit, so the case export is a job)

The first case is made by the cases service; the rest are bulk clones of it (the export only needs rows).
"""

import json
import sys


def setup(n: int, out: str) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)  # a no-op on the test's copy of a migrated DB

    from tests.cases.helpers import build_world, new_case
    from wenming.cases.models import Case
    from wenming.core.models import new_public_id

    w = build_world()
    first = new_case(w, actor=w.inspector)
    template = {f.attname: getattr(first, f.attname) for f in Case._meta.concrete_fields if not f.primary_key}
    Case.objects.bulk_create(
        [
            Case(**{**template, "code": f"{first.code}-{i:05d}", "public_id": new_public_id()})
            for i in range(n - 1)
        ],
        batch_size=1000,
    )
    data = {
        "password": "pw-Test-123",
        "office": w.office.username,
        "inspector": w.inspector.username,
        "leader": w.leader.username,
        "category": w.leaf.pk,
        "area": w.grid.pk,
        "cases": Case.objects.count(),
    }
    with open(out, "w") as f:
        json.dump(data, f)


if __name__ == "__main__":
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "setup":
        setup(int(args[0]), args[1])
    else:
        raise SystemExit(f"unknown command {command}")
