"""Rendering Open311 answers in both formats the standard names: XML (the default) and JSON.

    render(fmt, [{"service_code": "ENV-01", ...}], root="services")          # → 200
    error(fmt, 404, "未知的服务代码：XYZ")                                      # → [{"code": 404, ...}]

XML follows the standard's element names: a list becomes its root element with one child per item
(`services/service`, `service_requests/request`, `errors/error` …); nested lists use the singular of their
field name (`attributes/attribute`, `values/value`, `endpoints/endpoint`, `formats/format`, `notes/note`);
`None` is an empty element, booleans are `true`/`false`. Both formats are UTF-8; times are ISO 8601 with
the offset (Asia/Shanghai, +08:00).
"""

import datetime
import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
CHILD = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
    "photos": "photo",
}


def iso(value) -> str | None:
    """ISO 8601 with the local offset, to the second: 2026-11-28T18:30:00+08:00."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return iso(value)
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        child = CHILD.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, child), item)
    else:
        element.text = _text(value)


def to_xml(data, root: str) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _json_default(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return iso(value)
    raise TypeError(type(value).__name__)


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=_json_default).encode("utf-8")


def render(fmt: str, data, *, root: str, status: int = 200, headers: dict | None = None) -> HttpResponse:
    fmt = fmt if fmt in FORMATS else "xml"
    body = to_json(data) if fmt == "json" else to_xml(data, root)
    response = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    response["Access-Control-Allow-Origin"] = "*"  # read by browser apps too; no cookies are used
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def error(fmt: str, status: int, *descriptions: str, headers: dict | None = None) -> HttpResponse:
    """The standard's error body: a list of {code, description}, with the matching HTTP status."""
    items = [{"code": status, "description": str(d)} for d in descriptions if d] or [
        {"code": status, "description": ""}
    ]
    return render(fmt, items, root="errors", status=status, headers=headers)
