"""Turning a request into a submission payload: the phone's JSON body, or the plain form fields of the
no-JavaScript interviewer form and of the public page (`q_<question id>` per answer)."""

import json
import re

from django.utils.translation import gettext as _

from wenming.surveys.services import SurveyError

ANSWER_FIELD = re.compile(r"^q_(\d+)$")
PLAIN_FIELDS = ("client_id", "stratum", "area", "age", "age_band", "residence", "occupation", "started_at",
                "completed_at", "lat", "lon", "accuracy", "coord_system", "phone")  # fmt: skip


def payload_from_form(post) -> dict:
    data = {name: post.get(name) or None for name in PLAIN_FIELDS}
    data["answers"] = {}
    for key in post:
        match = ANSWER_FIELD.match(key)
        if match:
            data["answers"][match.group(1)] = post.get(key, "")
    return data


def payload_from_request(request) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body.decode("utf-8", "replace"))
        except ValueError:
            raise SurveyError(_("提交内容不是有效的 JSON。"), code="invalid")
        if not isinstance(data, dict):
            raise SurveyError(_("提交内容格式错误。"), code="invalid")
        return data
    if "payload" in request.POST:
        try:
            return json.loads(request.POST["payload"])
        except ValueError:
            raise SurveyError(_("提交内容不是有效的 JSON。"), code="invalid")
    return payload_from_form(request.POST)
