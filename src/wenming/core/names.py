"""Finding a unit or an area by what an office writes: its code, its name, or a common abbreviation.

Offices' sheets say `责任单位: 区市政园林局` or `所属社区: 湖里社区`, not our codes. `NameIndex` resolves a
reference in tiers and stops at the first tier that matches:

1. the code (case-insensitive);
2. the exact name or short name (简称);
3. the name's core: leading place names removed (厦门市湖里区市政园林局 → 市政园林局, 区市政园林局 → 市政园林局)
   and a trailing organisational suffix removed (湖里社区居委会 → 湖里社区; 湖里社区 → 湖里; 殿前街道办事处 →
   殿前), with spaces and full-width characters normalised.

One object in the tier → found. Several → `NameNotFound` (ambiguous) listing them with their codes. None in
any tier → `NameNotFound` (unknown) with the closest names by rapidfuzz (WRatio ≥ 60, at most 3).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

_HAN = r"(?:(?![省市区])[\u4e00-\u9fff])"
_PLACE_PREFIX = re.compile(rf"^(?:{_HAN}{{2,3}}省)?(?:{_HAN}{{2,3}}市)?(?:{_HAN}{{2,3}}(?<![社园小])区)?")
_SUFFIXES = ("街道办事处", "居民委员会", "村民委员会", "办事处", "居委会", "村委会", "街道", "社区", "网格")
SUGGEST_CUTOFF = 60
SUGGEST_LIMIT = 3


class NameNotFound(LookupError):
    """Unknown or ambiguous reference; `message` is the Chinese text for the user, `candidates` the labels."""

    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.message = message
        self.candidates = candidates


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), no whitespace, upper-case Latin letters."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


def core_keys(name: str) -> set[str]:
    """The abbreviated forms an office may write for `name` (see the module docstring, tier 3)."""
    name = normalise(name)
    forms = {name}
    stripped = _PLACE_PREFIX.sub("", name)
    if stripped and stripped != name:
        forms.add(stripped)
    for form in list(forms):
        if len(form) > 2 and form[0] == "区":  # 区市政园林局 = the district's 市政园林局
            forms.add(form[1:])
    pending = list(forms)
    while pending:  # 湖里社区居委会 → 湖里社区 → 湖里
        form = pending.pop()
        for suffix in _SUFFIXES:
            if form.endswith(suffix) and len(form) > len(suffix) + 1 and form[: -len(suffix)] not in forms:
                forms.add(form[: -len(suffix)])
                pending.append(form[: -len(suffix)])
    return {f for f in forms if len(f) >= 2}


class NameIndex:
    """Objects findable by code, name or abbreviation. `label(obj)` is how an object is shown in messages."""

    def __init__(
        self,
        objects: Iterable,
        *,
        code: Callable[[object], str],
        names: Callable[[object], Iterable[str]],
        label: Callable[[object], str],
        noun: str,
    ):
        self.noun = noun
        self.label = label
        self.codes: dict[str, object] = {}
        self.exact: dict[str, list] = defaultdict(list)
        self.cores: dict[str, list] = defaultdict(list)
        self.display: dict[str, object] = {}
        for obj in objects:
            self.codes[normalise(code(obj))] = obj
            for name in filter(None, names(obj)):
                key = normalise(name)
                if obj not in self.exact[key]:
                    self.exact[key].append(obj)
                self.display.setdefault(name, obj)
                for core in core_keys(name) - {key}:
                    if obj not in self.cores[core]:
                        self.cores[core].append(obj)

    def resolve(self, reference: str):
        key = normalise(reference)
        if not key:
            raise NameNotFound(_("%(noun)s为空。") % {"noun": self.noun}, [])
        if key in self.codes:
            return self.codes[key]
        for tier in (self.exact.get(key), self.cores.get(key), self._by_core(key)):
            if tier:
                if len(tier) == 1:
                    return tier[0]
                labels = sorted(self.label(o) for o in tier)[:8]
                raise NameNotFound(
                    _("%(noun)s“%(ref)s”对应多个：%(list)s。请填写编码或全称。")
                    % {"noun": self.noun, "ref": reference, "list": "、".join(labels)},
                    labels,
                )
        labels = self.suggest(reference)
        message = _("未知%(noun)s“%(ref)s”。") % {"noun": self.noun, "ref": reference}
        if labels:
            message += _("您是否要找：%(list)s？") % {"list": "、".join(labels)}
        raise NameNotFound(message, labels)

    def _by_core(self, key: str) -> list:
        """The reference's own abbreviated forms against the cores (区城管局 written as 湖里区城管局 …)."""
        found: list = []
        for form in core_keys(key) - {key}:
            for obj in self.exact.get(form, []) + self.cores.get(form, []):
                if obj not in found:
                    found.append(obj)
        return found

    def suggest(self, reference: str) -> list[str]:
        from rapidfuzz import fuzz, process

        choices = list(self.display)
        matches = process.extract(
            normalise(reference), {n: normalise(n) for n in choices}, scorer=fuzz.WRatio,
            limit=SUGGEST_LIMIT * 3, score_cutoff=SUGGEST_CUTOFF,
        )  # fmt: skip
        labels: list[str] = []
        for _match, _score, name in matches:
            label = self.label(self.display[name])
            if label not in labels:
                labels.append(label)
            if len(labels) == SUGGEST_LIMIT:
                break
        return labels
