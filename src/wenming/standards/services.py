"""Writes to the standard: import (XLSX/YAML, all-or-nothing), the shipped default set, activation, and
linking problem categories to special groups. Views, API, commands and the demo call these.

Versioning decision: a standard set's code is its identity and an imported set is never overwritten (rounds
and scores point at its criteria). Importing a file whose code already exists is refused with a clear
message; a new edition is imported under a new code (e.g. `HULI-2021-DEMO` → `HULI-2025`) and activated when
ready. Point types and problem categories are shared catalogues: a file adds the ones it lists that are new
and updates the ones that exist (matched by code); catalogue entries it does not list are left alone.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from wenming.core.roles import is_office
from wenming.standards.choices import TOP_CATEGORIES
from wenming.standards.models import (
    CriteriaBlock,
    Criterion,
    Indicator,
    PointType,
    ProblemCategory,
    StandardSet,
)
from wenming.standards.transfer import (
    Catalogue,
    ImportProblem,
    Plan,
    StandardImportError,
    plan_from_db,
    read_document,
    validate_document,
    write_document,
)
from wenming.standards.transfer.spec import max_bytes

__all__ = [
    "DEFAULT_STANDARD_FILE",
    "ImportProblem",
    "StandardImportError",
    "activate_standard",
    "export_standard",
    "format_from_name",
    "import_standard",
    "link_category_groups",
    "load_default_standard",
]

DEFAULT_STANDARD_FILE = Path(__file__).resolve().parent / "data" / "default_standard.yaml"


def format_from_name(name: str) -> str:
    """ "xlsx" or "yaml" from a file name's extension ("" when neither)."""
    suffix = Path(name or "").suffix.lower()
    return {".xlsx": "xlsx", ".yaml": "yaml", ".yml": "yaml"}.get(suffix, "")


def import_standard(*, actor, file, fmt: str, activate: bool = False) -> StandardSet:
    """Import a standard set from an XLSX or YAML file (bytes, a path, or a file object).

    All or nothing: on any problem nothing is written and `StandardImportError.problems` lists every
    problem with its sheet, row and column.
    """
    _require_change(actor)
    data = _read_bytes(file)
    document = read_document(data, fmt)
    plan, problems = validate_document(document, _catalogue())
    if problems:
        raise StandardImportError(problems)
    try:
        with transaction.atomic():
            standard_set = _apply(plan, actor)
            if activate:
                standard_set = activate_standard(actor=actor, standard_set=standard_set)
    except IntegrityError as exc:
        # Another import of the same code (or a conflicting point-type name) committed meanwhile.
        raise StandardImportError([ImportProblem("", None, "", f"写入时发生冲突，未做任何修改：{exc}")])
    return standard_set


def export_standard(*, standard_set: StandardSet, fmt: str) -> bytes:
    """The set (with the shared point-type and category catalogues) as an XLSX or YAML file."""
    return write_document(plan_from_db(standard_set), fmt)


def activate_standard(*, actor, standard_set: StandardSet) -> StandardSet:
    """Make this set the active one of its scope (the previously active one is deactivated)."""
    _require_change(actor)
    with transaction.atomic():
        locked = StandardSet.objects.select_for_update().get(pk=standard_set.pk)
        if locked.is_active:
            return locked
        others = StandardSet.objects.select_for_update().filter(scope=locked.scope, is_active=True)
        for other in others.exclude(pk=locked.pk):
            other.is_active = False
            other._history_user = actor
            other.save(update_fields=["is_active", "updated_at"])
        locked.is_active = True
        locked._history_user = actor
        locked.save(update_fields=["is_active", "updated_at"])
    return locked


def load_default_standard(*, actor=None, activate: bool = True) -> StandardSet:
    """Load the shipped default set (`data/default_standard.yaml`) once; later calls return it unchanged.

    With `activate`, the default set is activated when no set of its scope is active yet (a choice the
    office made later is never overridden). Categories are linked to special groups that exist now.
    """
    data = DEFAULT_STANDARD_FILE.read_bytes()
    document = read_document(data, "yaml")
    code = (document.meta.values.get("code") if document.meta else None) or ""
    with transaction.atomic():
        standard_set = StandardSet.objects.filter(code=code).first()
        if standard_set is None:
            standard_set = import_standard(actor=actor, file=data, fmt="yaml")
        link_category_groups()
        if activate and not StandardSet.objects.filter(scope=standard_set.scope, is_active=True).exists():
            standard_set = activate_standard(actor=actor, standard_set=standard_set)
    return standard_set


def link_category_groups() -> int:
    """Link every category to the special group named by its `special_group_code`, where that group exists
    now (the demo creates groups after or before the standard). Returns how many categories changed."""
    from wenming.org.models import SpecialGroup

    groups = {g.code: g for g in SpecialGroup.objects.all()}
    changed = 0
    with transaction.atomic():
        for category in (
            ProblemCategory.objects.select_related("special_group")
            .select_for_update(of=("self",))  # PostgreSQL: no FOR UPDATE on the outer join's nullable side
            .order_by("pk")
        ):
            group = groups.get(category.special_group_code)
            if group is not None and category.special_group_id != group.pk:
                category.special_group = group
                category.save(update_fields=["special_group", "updated_at"])
                changed += 1
            elif category.special_group_id and category.special_group_code != category.special_group.code:
                category.special_group_code = category.special_group.code
                category.save(update_fields=["special_group_code", "updated_at"])
                changed += 1
    return changed


# --- internals -------------------------------------------------------------------------------------


def _require_change(actor) -> None:
    """`actor=None` is the system (commands, the demo); a user must be allowed to change the standard."""
    if actor is not None and not is_office(actor):
        raise PermissionDenied("只有系统管理员和文明办可以修改测评体系。")


def _read_bytes(file) -> bytes:
    limit = max_bytes()
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if isinstance(file, str | Path):
        with open(file, "rb") as handle:
            return handle.read(limit + 1)
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise StandardImportError(
            [
                ImportProblem(
                    "", None, "", f"文件大小 {size / 1048576:.1f} MB 超过上限 {limit / 1048576:.1f} MB。"
                )
            ]
        )
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(limit + 1)


def _catalogue() -> Catalogue:
    return Catalogue(
        point_types=dict(PointType.objects.values_list("code", "name")),
        categories={
            code: parent or "" for code, parent in ProblemCategory.objects.values_list("code", "parent__code")
        },
        set_codes=dict(StandardSet.objects.values_list("code", "version")),
    )


def _apply(plan: Plan, actor) -> StandardSet:
    types = _upsert_point_types(plan, actor)
    categories = _upsert_categories(plan, actor)
    info = plan.standard_set
    standard_set = StandardSet(
        code=info.code,
        name=info.name,
        version=info.version,
        scope=info.scope,
        effective_from=info.effective_from,
        description=info.description,
    )
    standard_set._history_user = actor
    standard_set.save()
    indicators: dict[str, Indicator] = {}
    for level in (1, 2, 3):
        rows = [
            Indicator(
                standard_set=standard_set,
                parent=indicators.get(item.parent),
                level=level,
                code=item.code,
                name=item.name,
                weight=item.weight,
                methods=item.methods,
                order=order,
            )
            for order, item in enumerate(plan.level(level), start=1)
        ]
        indicators.update({i.code: i for i in Indicator.objects.bulk_create(rows)})
    blocks = {}
    block_links = []
    for row in plan.blocks:
        block = CriteriaBlock.objects.create(standard_set=standard_set, code=row.code, name=row.name)
        blocks[row.code] = block
        block_links += [
            CriteriaBlock.point_types.through(criteriablock_id=block.pk, pointtype_id=types[c].pk)
            for c in row.point_types
        ]
    CriteriaBlock.point_types.through.objects.bulk_create(block_links)
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(
                standard_set=standard_set,
                indicator=indicators[row.content],
                code=row.code,
                text=row.text,
                weight=row.weight,
                method=row.method,
                block=blocks.get(row.block),
                sampling_note=row.sampling_note,
                rule=row.rule,
                rule_params=row.rule_params,
                category=categories.get(row.category),
                order=order,
            )
            for order, row in enumerate(plan.criteria, start=1)
        ]
    )
    Criterion.point_types.through.objects.bulk_create(
        [
            Criterion.point_types.through(criterion_id=criterion.pk, pointtype_id=types[code].pk)
            for criterion, row in zip(criteria, plan.criteria, strict=True)
            for code in row.point_types
        ]
    )
    return standard_set


def _upsert_point_types(plan: Plan, actor) -> dict[str, PointType]:
    existing = {p.code: p for p in PointType.objects.all()}
    for order, row in enumerate(plan.point_types, start=1):
        wanted = {"name": row.name, "description": row.description, "order": order}
        _save_changed(existing.get(row.code) or PointType(code=row.code), wanted, actor, existing)
    return existing


def _upsert_categories(plan: Plan, actor) -> dict[str, ProblemCategory]:
    from wenming.org.models import SpecialGroup

    existing = {c.code: c for c in ProblemCategory.objects.select_related("parent", "special_group")}
    for order, (code, name) in enumerate(TOP_CATEGORIES.items(), start=1):
        if code not in existing:
            _save_changed(ProblemCategory(code=code), {"name": str(name), "order": order}, actor, existing)
    groups = {
        g.code: g for g in SpecialGroup.objects.filter(code__in={c.special_group for c in plan.categories})
    }
    ordered = sorted(enumerate(plan.categories, start=1), key=lambda pair: bool(pair[1].parent))
    for order, row in ordered:
        wanted = {
            "name": row.name,
            "parent": existing[row.parent] if row.parent else None,
            "kind": row.kind,
            "special_group_code": row.special_group,
            "deadline_value": row.deadline_value,
            "deadline_unit": row.deadline_unit,
            "closing_condition": row.closing_condition,
            "public_name": row.public_name,
            "is_public": row.is_public,
            "description": row.description,
            "examples": "\n".join(row.examples),
            "order": order,
        }
        group = groups.get(row.special_group)
        instance = existing.get(row.code) or ProblemCategory(code=row.code)
        if (
            group is not None
            or not row.special_group
            or (instance.special_group_id and instance.special_group.code != row.special_group)
        ):
            wanted["special_group"] = group
        _save_changed(instance, wanted, actor, existing)
    return existing


def _save_changed(instance, wanted: dict, actor, registry: dict) -> None:
    """Save only when something differs, so re-imports do not write history rows for nothing."""
    changed = instance.pk is None
    for field, value in wanted.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    if changed:
        instance._history_user = actor
        instance.save()
    registry[instance.code] = instance
