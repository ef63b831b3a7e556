"""Answer options of choice questions: the default sets per kind and scale, and their validation (pure).

An option is a dict ``{"value": "1", "label": "满意", "score": 100, "positive": true, "valid": true}``:

* ``value`` — the short code stored in an answer (unique in the question);
* ``score`` — the option's points on the 0–100 mapping (满意 100 / 基本满意 60 / 不满意 0), or None;
* ``positive`` — counts towards the question's rate: the correct answer of an awareness question (知晓),
  支持 / 基本支持, 参与过, 满意 / 基本满意;
* ``valid`` — False for "说不清 / 不了解": such answers are left out of the denominators (valid answers).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wenming.surveys.choices import QuestionKind, Scale

MAX_OPTIONS = 12


class QuestionError(ValidationError):
    """An invalid question or option set; the message is Chinese and names the problem."""


def _opt(value: str, label: str, score, positive: bool, valid: bool = True) -> dict:
    return {"value": value, "label": label, "score": score, "positive": positive, "valid": valid}


def _unsure(value: str) -> dict:
    return _opt(value, _("说不清"), None, False, False)


def _graded(labels: list[str], scores: list[int], positives: int, unsure: bool) -> list[dict]:
    options = [
        _opt(str(i), label, score, i <= positives)
        for i, (label, score) in enumerate(zip(labels, scores, strict=True), 1)
    ]
    return options + ([_unsure(str(len(options) + 1))] if unsure else [])


def default_options(kind: str, scale: str) -> list[dict]:
    """The option set the builder proposes for a kind and scale (the office edits it freely)."""
    if kind == QuestionKind.TEXT or scale == Scale.NONE:
        return []
    three = scale == Scale.THREE
    five = scale == Scale.FIVE
    if kind == QuestionKind.SATISFACTION:
        if five:
            return _graded(
                [_("非常满意"), _("满意"), _("基本满意"), _("不太满意"), _("不满意")],
                [100, 80, 60, 40, 0],
                3,
                True,
            )
        if three:
            return _graded([_("满意"), _("基本满意"), _("不满意")], [100, 60, 0], 2, True)
        return _graded([_("满意"), _("不满意")], [100, 0], 1, False)
    if kind == QuestionKind.SUPPORT:
        if five:
            return _graded(
                [_("非常支持"), _("支持"), _("基本支持"), _("不太支持"), _("不支持")],
                [100, 80, 60, 40, 0],
                3,
                True,
            )
        if three:
            return _graded([_("支持"), _("基本支持"), _("不支持")], [100, 60, 0], 2, True)
        return _graded([_("支持"), _("不支持")], [100, 0], 1, False)
    if kind == QuestionKind.PARTICIPATION:
        if five or three:
            return _graded([_("经常参与"), _("偶尔参与"), _("从未参与")], [100, 60, 0], 2, False)
        return _graded([_("参与过"), _("没有参与过")], [100, 0], 1, False)
    if kind == QuestionKind.AWARENESS:
        if scale == Scale.CUSTOM:
            return [_opt("1", _("正确选项"), None, True), _opt("2", _("错误选项一"), None, False),
                    _opt("3", _("错误选项二"), None, False), _opt("4", _("不知道"), None, False)]  # fmt: skip
        return _graded([_("知道"), _("不知道")], [100, 0], 1, False)
    if five or three:
        return _graded([_("好"), _("一般"), _("差")], [100, 60, 0], 0, False)
    return [_opt("1", _("是"), None, False), _opt("2", _("否"), None, False)]


def _score(raw, label: str):
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise QuestionError(_("选项「%(l)s」的分值必须是 0–100 的数字。") % {"l": label})
    if not 0 <= value <= 100:
        raise QuestionError(_("选项「%(l)s」的分值必须在 0–100 之间。") % {"l": label})
    return int(value) if value.is_integer() else round(value, 2)


def _flag(raw) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in {"1", "true", "on", "yes", "是"}
    return bool(raw)


def clean_options(kind: str, options) -> list[dict]:
    """The option set normalised, or QuestionError naming the first problem."""
    if kind == QuestionKind.TEXT:
        if options:
            raise QuestionError(_("开放题不设选项。"))
        return []
    if not isinstance(options, list) or len(options) < 2:
        raise QuestionError(_("选择题至少需要 2 个选项。"))
    if len(options) > MAX_OPTIONS:
        raise QuestionError(_("选项不能超过 %(n)d 个。") % {"n": MAX_OPTIONS})
    cleaned, values, labels = [], set(), set()
    for index, raw in enumerate(options, start=1):
        if not isinstance(raw, dict):
            raise QuestionError(_("第 %(i)d 个选项格式错误。") % {"i": index})
        label = str(raw.get("label") or "").strip()
        if not label:
            raise QuestionError(_("第 %(i)d 个选项没有文字。") % {"i": index})
        if len(label) > 100:
            raise QuestionError(_("选项「%(l)s」过长（最多 100 字）。") % {"l": label[:20]})
        value = str(raw.get("value") or index).strip()
        if len(value) > 20:
            raise QuestionError(_("选项代码「%(v)s」过长（最多 20 个字符）。") % {"v": value[:20]})
        if value in values:
            raise QuestionError(_("选项代码「%(v)s」重复。") % {"v": value})
        if label in labels:
            raise QuestionError(_("选项「%(l)s」重复。") % {"l": label})
        values.add(value)
        labels.add(label)
        valid = _flag(raw.get("valid", True))
        positive = _flag(raw.get("positive", False))
        if positive and not valid:
            raise QuestionError(_("选项「%(l)s」不计入有效回答，不能同时计为正向。") % {"l": label})
        cleaned.append({"value": value, "label": label, "score": _score(raw.get("score"), label),
                        "positive": positive, "valid": valid})  # fmt: skip
    _check_kind(kind, cleaned)
    return cleaned


def _check_kind(kind: str, options: list[dict]) -> None:
    valid = [o for o in options if o["valid"]]
    if kind in QuestionKind.rates():
        if not any(o["positive"] for o in valid):
            message = (
                _("知晓度题目必须标记正确答案。")
                if kind == QuestionKind.AWARENESS
                else _("请至少标记一个计入比率的正向选项。")
            )
            raise QuestionError(message)
        if all(o["positive"] for o in valid):
            raise QuestionError(_("至少要有一个有效选项不计入比率（否则比率恒为 100%）。"))
    if kind == QuestionKind.SATISFACTION:
        missing = [o["label"] for o in valid if o["score"] is None]
        if missing:
            raise QuestionError(
                _("满意度题目的每个有效选项都需要分值（如 100/60/0）：%(l)s") % {"l": "、".join(missing)}
            )


def option_for(options: list[dict], raw) -> dict | None:
    """The option an answer names: its code, its label, or its 1-based position ("2")."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    for option in options:
        if text == option["value"]:
            return option
    for option in options:
        if text == option["label"]:
            return option
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    return None
