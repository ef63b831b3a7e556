"""Personal data in citizens' free text and contact fields (个人信息保护).

* `mask_personal_data(text)` — phone numbers (mobile and landline), resident ID numbers (18 and 15 digits)
  and vehicle plate numbers in a description are masked before any public view shows it;
* `normalise_phone(text)` — a mainland mobile number as 11 digits, or a ValidationError;
* `keyed_hash(value)` — an HMAC (SECRET_KEY) of an IP address or phone number for rate limits and
  "me too" de-duplication, so neither is stored or logged in the clear.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Provinces' one-character plate prefixes (and 使/领 for embassies).
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
ID_18 = r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
ID_15 = r"(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])"
# +86 / 0086 prefix optional; separators (space, dash) between the 3-4-4 groups tolerated.
MOBILE = r"(?<!\d)(?:\+?86[\s-]?|0086[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"
LANDLINE = r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)"
PLATE = rf"[{PLATE_PROVINCES}]\s?[A-HJ-NP-Z][\s·.-]?[A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳]"

PATTERNS = (
    ("id", re.compile(ID_18)),
    ("id", re.compile(ID_15)),
    ("mobile", re.compile(MOBILE)),
    ("landline", re.compile(LANDLINE)),
    ("plate", re.compile(PLATE)),
)


def _mask_digits(value: str, keep_start: int, keep_end: int) -> str:
    chars = [c for c in value if c.isalnum()]
    hidden = max(len(chars) - keep_start - keep_end, 1)
    return "".join(chars[:keep_start]) + "*" * hidden + ("".join(chars[-keep_end:]) if keep_end else "")


def _mask(kind: str, value: str) -> str:
    if kind == "mobile":
        digits = re.sub(r"\D", "", value)[-11:]
        return _mask_digits(digits, 3, 4)  # 138****5678
    if kind == "landline":
        return _mask_digits(value, 3, 2)
    if kind == "id":
        return _mask_digits(value, 4, 0)  # 3502************** — no birth date, no check digit
    if kind == "plate":
        chars = [c for c in value if c not in " ·.-"]
        return "".join(chars[:2]) + "*" * (len(chars) - 2)  # 闽D*****
    return "*" * len(value)


def find_personal_data(text: str) -> list[tuple[str, str]]:
    """[(kind, matched text)] of the personal data found in `text` (ids first: they contain phone-like runs)."""
    found = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text or ""):
            found.append((kind, match.group(0)))
    return found


def mask_personal_data(text: str) -> str:
    """`text` with phone numbers, ID numbers and plate numbers masked (idempotent)."""
    out = text or ""
    for kind, pattern in PATTERNS:
        out = pattern.sub(lambda m, kind=kind: _mask(kind, m.group(0)), out)
    return out


def normalise_phone(text: str, *, required: bool = False) -> str:
    """A mainland mobile number (11 digits, +86 and separators removed); "" when empty and not required."""
    raw = (text or "").strip()
    if not raw:
        if required:
            raise ValidationError({"phone": _("请填写手机号。")}, code="required")
        return ""
    digits = re.sub(r"[\s\-()（）]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not re.fullmatch(r"1[3-9]\d{9}", digits):
        raise ValidationError({"phone": _("手机号格式不正确，应为 11 位大陆手机号。")}, code="phone")
    return digits


def keyed_hash(value: str, purpose: str = "") -> str:
    """A stable, non-reversible key for an IP or phone (HMAC-SHA256 with the site's secret key)."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def client_ip(request) -> str:
    """The client's address as the login lockout sees it (honours `PROXY_COUNT` behind reverse proxies)."""
    from wenming.accounts.lockout import client_ip as lockout_client_ip

    return lockout_client_ip(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


# --- what the public may see of a report (one decision, every public channel) --------------------------------

# Public positions are rounded to 3 decimal places of a degree: about 111 m north-south and, at Xiamen's
# latitude (24.5°N), about 101 m east-west. The exact device position stays with the office.
PUBLIC_POSITION_DECIMALS = 3
# House numbers, units, rooms, floors … in a free-text address or description ("金尚路88号3单元501室").
HOUSE_NUMBER = re.compile(
    r"[0-9０-９A-Za-z]+(?=\s*(?:号楼|号院|号|栋|幢|座|单元|室|层|楼|弄|巷|户|门|[-－]\d))"
)


def coarsen(value: float | None) -> float | None:
    """A coordinate as the public sees it (`PUBLIC_POSITION_DECIMALS` places, ≈ 100 m)."""
    return None if value is None else round(float(value), PUBLIC_POSITION_DECIMALS)


def mask_address(report, text: str) -> str:
    """A free-text address made public: personal data and every house/unit/room number masked."""
    from wenming.participation.public import mask_for

    masked = mask_for(report, text or "")
    return HOUSE_NUMBER.sub(lambda m: "*" * len(m.group(0)), masked)


def is_public(report) -> bool:
    """May the public see this report at all? Only once the office accepted it (accepted or merged into a case)
    and while its category is public; pending, rejected (e.g. a private area) and spam reports never."""
    from wenming.participation.choices import LINKED_STATES
    from wenming.participation.public import effective_case

    if report.state not in LINKED_STATES:
        return False
    case = effective_case(report)
    category = case.category if case is not None else report.category
    if category is None:
        return True
    parent = category.parent
    return bool(category.is_public and (parent is None or parent.is_public))


def public_report(
    report, *, chain: list | None = None, reporter: bool = False, with_photos: bool = True
) -> dict | None:
    """THE decision of what the public may see of `report`, used by every public channel (the /public/ list,
    map, detail and tracking pages, the public CSV and GeoJSON, Open311 GET in XML and JSON, with and without
    extensions). None when the report is not public at all.

    `reporter=True` is the reporter's own tracking page (reached with the secret code): it also gets the status
    and timeline of a pending or rejected report, but never more content than the public rule allows.

    Rules: invisible until accepted; the position rounded to `PUBLIC_POSITION_DECIMALS`; the free-text address
    only after the office moderated the report, and masked (`mask_address`); the description masked
    (`public.public_text`); photos only of a public report, in their redacted form, never hidden ones; never the
    reporter's name, phone, e-mail, device or account ids, never the photos' EXIF (stripped at upload).
    """
    from wenming.participation import public

    visible = is_public(report)
    if not visible and not reporter:
        return None
    chain = chain if chain is not None else public.case_chain(report)
    case = chain[-1] if chain else None
    status = public.status_of(report, case)
    category = public.public_category(report, case)
    moderated = report.moderated_at is not None
    photos = [p for p in report.photos.all() if p.public_file()] if visible and with_photos else []
    return {
        "report": report,
        "visible": visible,
        "id": report.request_id,
        "case": case,
        "chain": chain,
        "status": status,
        "status_label": public.status_label(status),
        "status_note": mask_personal_data(public.status_note(report, case)),
        "category_object": category,
        "category": public.category_name(category),
        "description": public.public_text(report),
        "address": mask_address(report, report.address) if visible and moderated else "",
        "street": report.street.name if report.street_id else "",
        "submitted_at": report.submitted_at,
        "supports": report.supports,
        "unit": public.responsible_unit(case),
        "lat": coarsen(report.lat) if visible else None,
        "lon": coarsen(report.lon) if visible else None,
        "photos": photos,
        "media_url": report.media_url if visible and moderated else "",
    }
