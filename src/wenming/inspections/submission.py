"""Turning a request (the phone's JSON payload, a plain form post or an API call) into a `Submission`.

The phone posts multipart data: a `payload` field holding the JSON below and the photos as files named
`photo_<criterion id>` (several per criterion; `after_<criterion id>` for after-fix photos). API clients may post the same JSON as the request body.

    {"client_id": "<uuid4>", "task": 12, "started_at": "2026-05-01T09:30:00+08:00",
     "lat": 24.51, "lon": 118.14, "accuracy": 12, "coord_system": "WGS84", "location_note": "", "note": "",
     "observations": [{"criterion": 5, "result": "noncompliant", "problems": 2, "count": null,
                       "sub_results": null, "note": "…", "fixed_on_spot": false}]}

Without JavaScript the form posts plain fields (`result_<id>`, `problems_<id>`, `count_<id>`,
`sub_<id>_<n>`, `note_<id>`, `fixed_<id>`, `photo_<id>`) which are read into the same shape. Photos of a
fix made on the spot (当场整改) come as `after_<criterion id>`.
"""

import json
import re

from django.utils.translation import gettext as _

from wenming.inspections.services import InspectionError, Submission, parse_submission

PHOTO_FIELD = re.compile(r"^(photo|after)_(\d+)$")
RESULT_FIELD = re.compile(r"^result_(\d+)$")
SUB_FIELD = re.compile(r"^sub_(\d+)_(\d+)$")


def photos_from(files) -> tuple[dict[int, list], dict[int, list]]:
    """(problem photos, after-fix photos) by criterion id, from `photo_<id>` and `after_<id>` files."""
    photos: dict[int, list] = {}
    after: dict[int, list] = {}
    for key in files:
        match = PHOTO_FIELD.match(key)
        if not match:
            raise InspectionError(_("无法识别的上传字段：%(k)s") % {"k": key}, code="invalid")
        target = photos if match.group(1) == "photo" else after
        target.setdefault(int(match.group(2)), []).extend(files.getlist(key))
    return photos, after


def payload_from_form(post) -> dict:
    """The plain (no-JavaScript) form fields as the phone's JSON payload."""
    observations = []
    subs: dict[str, dict[int, str]] = {}
    for key in post:
        match = SUB_FIELD.match(key)
        if match:
            subs.setdefault(match.group(1), {})[int(match.group(2))] = post.get(key)
    for key in post:
        match = RESULT_FIELD.match(key)
        if not match:
            continue
        cid = match.group(1)
        sub = subs.get(cid)
        observations.append(
            {
                "criterion": int(cid),
                "result": post.get(key),
                "problems": post.get(f"problems_{cid}") or None,
                "count": post.get(f"count_{cid}") or None,
                "sub_results": [{"1": True, "0": False}.get(sub[i]) for i in sorted(sub)] if sub else None,
                "note": post.get(f"note_{cid}", ""),
                "fixed_on_spot": post.get(f"fixed_{cid}") in ("1", "on", "true"),
            }
        )
    return {
        "client_id": post.get("client_id"),
        "task": post.get("task"),
        "started_at": post.get("started_at") or None,
        "lat": post.get("lat") or None,
        "lon": post.get("lon") or None,
        "accuracy": post.get("accuracy") or None,
        "coord_system": post.get("coord_system") or "WGS84",
        "location_note": post.get("location_note", ""),
        "note": post.get("note", ""),
        "observations": observations,
    }


def load_payload(text: str) -> dict:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        raise InspectionError(_("提交内容不是有效的 JSON。"), code="invalid")
    if not isinstance(data, dict):
        raise InspectionError(_("提交内容格式错误。"), code="invalid")
    return data


def submission_from_request(request, task) -> Submission:
    """The submission in a page request for `task` (the payload may not name another task)."""
    if "payload" in request.POST:
        data = load_payload(request.POST["payload"])
    elif request.content_type == "application/json":
        data = load_payload(request.body.decode("utf-8", "replace"))
    else:
        data = payload_from_form(request.POST)
    data.setdefault("task", task.pk)
    if str(data.get("task")) != str(task.pk):
        raise InspectionError(_("提交的任务与页面不一致。"), code="invalid")
    return parse_submission(data, *photos_from(request.FILES))
