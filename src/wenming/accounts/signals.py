"""Configuration changes into the audit log: every historical record (simple_history) a person makes on a
configuration model (standard, routing rules, KPI formulas, appraisal schemes, calendar, units, areas,
points, duties, memberships, Open311 clients …). Workflow models (cases, reports, bulletins) have their own
timelines and are not repeated here. Changes without a user (loaders, commands, jobs) are not "by a person"
and are not recorded."""

from wenming.accounts import audit

# Models whose history is a workflow timeline, not configuration.
WORKFLOW_MODELS = frozenset({"cases.case", "participation.report", "bulletins.bulletin"})
HISTORY_TYPES = {"+": "create", "~": "change", "-": "delete"}


def record_config_change(sender, instance, history_instance, history_user=None, **kwargs):
    if history_user is None or not getattr(history_user, "pk", None):
        return
    meta = type(instance)._meta
    if meta.label_lower in WORKFLOW_MODELS:
        return
    detail = {"model": str(meta.verbose_name), "change": HISTORY_TYPES.get(history_instance.history_type, "")}
    prev = history_instance.prev_record if history_instance.history_type == "~" else None
    if prev is not None:
        try:
            detail["fields"] = sorted(c.field for c in history_instance.diff_against(prev).changes)
        except Exception:  # noqa: BLE001 — the field list is a courtesy; the row itself must be written
            pass
    audit.record(history_user, audit.CONFIG_CHANGE, instance, detail)
