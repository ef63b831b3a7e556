"""The summary paragraph (总体情况) written from a snapshot's figures; the office may edit it afterwards."""

from django.utils.translation import gettext as _


def pct(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def _list(items: list[dict], unit: str, limit: int = 6) -> str:
    parts = [f"{i['label']}{i['count']}{unit}" for i in items[:limit]]
    if len(items) > limit:
        parts.append(_("其他%(n)d%(u)s") % {"n": sum(i["count"] for i in items[limit:]), "u": unit})
    return "、".join(parts)


def _comparison(data: dict) -> str:
    prev = data.get("previous")
    if not prev:
        return ""
    diff = data["problems_total"] - prev["problems"]
    if diff > 0:
        change = _("增加%(n)d个") % {"n": diff}
    elif diff < 0:
        change = _("减少%(n)d个") % {"n": -diff}
    else:
        change = _("持平")
    text = _("与上期（%(label)s）相比，发现问题%(change)s（上期%(prev)d个）") % {
        "label": prev["label"],
        "change": change,
        "prev": prev["problems"],
    }
    now_rate, prev_rate = data["points"]["pass_rate"], prev["pass_rate"]
    if now_rate is not None and prev_rate is not None:
        delta = (now_rate - prev_rate) * 100
        if abs(delta) < 0.05:
            text += _("，点位过关率持平")
        else:
            word = _("提高") if delta > 0 else _("下降")
            text += _("，点位过关率%(word)s%(d).1f个百分点") % {"word": word, "d": abs(delta)}
    return text + "。"


def write_summary(data: dict) -> str:
    """One paragraph: period, points by type, problems by special group, units involved, comparison, states."""
    points = data["points"]
    scope = ""
    if data.get("theme"):
        scope = _("围绕“%(t)s”专项，") % {"t": data["theme"]}
    elif data.get("unit"):
        scope = _("针对%(u)s，") % {"u": data["unit"]}
    who = _("区文明办")
    if data.get("round"):
        opening = _("%(period)s，%(who)s组织开展%(round)s，%(scope)s") % {
            "period": data["period"]["label"], "who": who, "round": data["round"]["name"], "scope": scope,
        }  # fmt: skip
    else:
        opening = _("%(period)s，%(who)s%(scope)s") % {
            "period": data["period"]["label"],
            "who": who,
            "scope": scope,
        }
    if points["inspected"]:
        types = "、".join(f"{t['label']}{t['points']}个" for t in points["by_type"][:8])
        more = _("等") if len(points["by_type"]) > 8 else ""
        text = opening + _("共测评点位%(n)d个（%(types)s%(more)s），过关%(passed)d个，过关率%(rate)s，平均得分%(score)s分；") % {
            "n": points["inspected"], "types": types, "more": more, "passed": points["passed"],
            "rate": pct(points["pass_rate"]), "score": "—" if points["mean_score"] is None else f"{points['mean_score']:.2f}",
        }  # fmt: skip
    else:
        text = opening + _("本期无实地测评点位；")
    total = data["problems_total"]
    if total:
        text += _("发现问题%(n)d个，涉及责任单位%(u)d个、街道%(s)d个。") % {
            "n": total, "u": data["units_involved"], "s": data["streets_involved"],
        }  # fmt: skip
        groups = [g for g in data["problems_by_group"] if g["count"]]
        if groups:
            text += _("按专项整治组分：%(list)s。") % {"list": _list(groups, _("个"))}
    else:
        text += _("未发现问题。")
    text += _comparison(data)
    states = data["states"]
    if total:
        text += _("截至%(at)s，已整改销号%(closed)d个（其中当场整改%(spot)d个），尚未销号%(open)d个，其中超期%(overdue)d个") % {
            "at": data.get("as_of") or data["generated_at"], "closed": states["closed"], "spot": states["on_spot"],
            "open": states["open"], "overdue": states["overdue"],
        }  # fmt: skip
        rebounds = len(data.get("rebounds") or [])
        text += _("；反弹及重复发生问题%(n)d个。") % {"n": rebounds} if rebounds else "。"
    return text
