"""The Open311 service catalogue: public problem categories as services, their definitions (attributes), and
one service request as the standard's fields (plus our richer state with `extensions=true`)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenming.participation import public
from wenming.participation.choices import Attribute
from wenming.participation.open311.formats import iso

AUTO_CODE = "AUTO"  # "not sure": the classifier and the office decide


def public_categories():
    from wenming.standards.models import ProblemCategory

    return ProblemCategory.objects.public().select_related("parent").order_by("parent__order", "parent__code",
                                                                                "order", "code")  # fmt: skip


def find_service(code: str):
    """The category of a service code, AUTO → None; unknown (or not public) → raises LookupError."""
    if code == AUTO_CODE:
        return None
    category = public_categories().filter(code=code).first()
    if category is None:
        raise LookupError(code)
    return category


def _keywords(category) -> str:
    words = [category.name, category.public_name, category.parent.name]
    return ",".join(dict.fromkeys(w for w in words if w))


def service_list() -> list[dict]:
    services = [
        {
            "service_code": c.code,
            "service_name": c.public_name or c.name,
            "description": c.description or c.public_name or c.name,
            "metadata": True,
            "type": "realtime",
            "keywords": _keywords(c),
            "group": c.parent.public_name or c.parent.name,
        }
        for c in public_categories()
    ]
    services.append(
        {
            "service_code": AUTO_CODE,
            "service_name": _("不确定属于哪一类"),
            "description": _("不确定问题类别时选择此项，由系统建议、工作人员确认类别。"),
            "metadata": True,
            "type": "realtime",
            "keywords": _("其他,不确定"),
            "group": _("其他"),
        }
    )
    return services


ATTRIBUTE_VALUES = {Attribute.HAZARD: (("no", gettext_lazy("否")), ("yes", gettext_lazy("是")))}


def attributes() -> list[dict]:
    return [
        {
            "variable": True,
            "code": Attribute.LOCATION_DETAIL.value,
            "datatype": "string",
            "required": False,
            "datatype_description": _("如：门牌号、楼栋、出入口、公交站名"),
            "order": 1,
            "description": str(Attribute.LOCATION_DETAIL.label),
            "values": [],
        },
        {
            "variable": True,
            "code": Attribute.HAZARD.value,
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("选择“是”或“否”"),
            "order": 2,
            "description": str(Attribute.HAZARD.label),
            "values": [{"key": k, "name": str(n)} for k, n in ATTRIBUTE_VALUES[Attribute.HAZARD]],
        },
    ]


def definition(code: str) -> dict:
    return {"service_code": code, "attributes": attributes()}


def clean_attributes(raw: dict[str, list[str]]) -> dict:
    """attribute[code] answers checked against the definitions; unknown codes are ignored (per the standard)."""
    from django.core.exceptions import ValidationError

    out = {}
    for attribute in attributes():
        values = [v for v in raw.get(attribute["code"], []) if v != ""]
        if not values:
            if attribute["required"]:
                raise ValidationError(_("缺少必填属性 attribute[%(code)s]。") % {"code": attribute["code"]})
            continue
        if attribute["datatype"] == "singlevaluelist":
            keys = {v["key"] for v in attribute["values"]}
            if values[0] not in keys:
                raise ValidationError(
                    _("属性 attribute[%(code)s] 的取值应为：%(keys)s。")
                    % {"code": attribute["code"], "keys": "、".join(sorted(keys))}
                )
            out[attribute["code"]] = values[0]
        else:
            out[attribute["code"]] = values[0][:200]
    return out


def jurisdictions() -> set[str]:
    configured = getattr(settings, "OPEN311_JURISDICTION_IDS", "")
    ids = {j.strip() for j in str(configured).split(",") if j.strip()}
    return ids | {settings.DISTRICT_CODE}


# --- one service request ------------------------------------------------------------------------------------


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


def request_dict(report, *, request=None, extensions: bool = False) -> dict | None:
    """A report as the standard's service request, exactly what `privacy.public_report` lets the public see
    (no reporter data, position rounded, address masked after moderation); None when it is not public."""
    from wenming.participation.privacy import public_report

    view = public_report(report)
    if view is None:
        return None
    chain, case, status = view["chain"], view["case"], view["status"]
    category = view["category_object"]
    photos = view["photos"]
    media_url = ""
    if photos:
        media_url = _absolute(request, reverse("participation_public:photo", args=[photos[0].pk]))
    elif view["media_url"]:
        media_url = view["media_url"]
    updated = max([report.updated_at, *(c.updated_at for c in chain)])
    data = {
        "service_request_id": view["id"],
        "status": "closed" if public.is_open311_closed(status) else "open",
        "status_notes": view["status_note"],
        "service_name": view["category"] if category else _("不确定属于哪一类"),
        "service_code": category.code if category else AUTO_CODE,
        "description": view["description"],
        "agency_responsible": view["unit"],
        "service_notice": "",
        "requested_datetime": iso(report.submitted_at),
        "updated_datetime": iso(updated),
        "expected_datetime": iso(case.fix_deadline) if case is not None and case.fix_deadline else None,
        "address": view["address"],
        "address_id": "",
        "zipcode": "",
        "lat": view["lat"],
        "long": view["lon"],
        "media_url": media_url,
    }
    if extensions:
        data["extended_attributes"] = {
            "public_status": status,
            "public_status_label": public.status_label(status),
            "review_state": report.state,
            "review_state_label": report.get_state_display(),
            "case_state": case.state if case is not None else "",
            "case_state_label": case.get_state_display() if case is not None else "",
            "street": view["street"],
            "group": (category.parent.public_name or category.parent.name)
            if category and category.parent_id
            else "",
            "supports": view["supports"],
            "photos": [
                _absolute(request, reverse("participation_public:photo", args=[p.pk])) for p in photos
            ],
        }
        data["notes"] = [
            {"datetime": iso(entry.at), "summary": entry.label, "description": entry.note, "type": "status"}
            for entry in public.timeline(report, chain)
        ]
    return data


def base_queryset():
    from wenming.participation.models import Report

    return (
        Report.objects.public()
        .select_related(
            "category__parent",
            "street",
            "case__category__parent",
            "case__unit",
            "case__merged_into__category__parent",
            "case__merged_into__unit",
        )
        .prefetch_related("photos")
    )


def filter_codes(queryset, codes: list[str]):
    q = Q()
    for code in codes:
        if code == AUTO_CODE:
            q |= Q(case__isnull=True, category__isnull=True)
        else:
            q |= Q(case__category__code=code) | Q(case__isnull=True, category__code=code)
    return queryset.filter(q)
