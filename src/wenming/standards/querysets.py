"""Business reads for the standard. The standard is public to every signed-in user; only the
office edits it (admin and office: `scope.sees_all("change")`)."""

from django.db import models

from wenming.core.policy import SEES_ALL, SIGNED_IN, Policy, RestrictedQuerySet, everything

PUBLIC_OFFICE_EDITS = Policy(view=[everything(SIGNED_IN)], otherwise=[everything(SEES_ALL)])


class _OfficeEditsAll(RestrictedQuerySet):
    policy = PUBLIC_OFFICE_EDITS


class StandardSetQuerySet(_OfficeEditsAll):
    def active(self):
        return self.filter(is_active=True)

    def with_counts(self):
        """Each set with `indicator_count`, `content_count` and `criterion_count` (one query)."""
        return self.annotate(
            indicator_count=models.Count("indicators", distinct=True),
            content_count=models.Count("indicators", filter=models.Q(indicators__level=3), distinct=True),
            criterion_count=models.Count("criteria", distinct=True),
        )


class IndicatorQuerySet(_OfficeEditsAll):
    def in_set(self, standard_set):
        return self.filter(standard_set=standard_set)

    def items(self):
        """Level Ⅰ: 测评项目."""
        return self.filter(level=1)

    def contents(self):
        """Level Ⅲ: 测评内容, the nodes criteria hang from."""
        return self.filter(level=3)


class PointTypeQuerySet(_OfficeEditsAll):
    def with_criterion_counts(self, standard_set):
        """Each type with `direct_count` (criteria attached to it) and `block_count` (through blocks) in a set."""
        if standard_set is None:
            return self.annotate(direct_count=models.Value(0), block_count=models.Value(0))
        return self.annotate(
            direct_count=models.Count(
                "criteria", filter=models.Q(criteria__standard_set=standard_set), distinct=True
            ),
            block_count=models.Count(
                "blocks__criteria", filter=models.Q(blocks__standard_set=standard_set), distinct=True
            ),
        )


class CriteriaBlockQuerySet(_OfficeEditsAll):
    def in_set(self, standard_set):
        return self.filter(standard_set=standard_set)


class ProblemCategoryQuerySet(_OfficeEditsAll):
    def top_level(self):
        return self.filter(parent__isnull=True)

    def leaves(self):
        return self.filter(parent__isnull=False)

    def public(self):
        """Subcategories a citizen may pick when reporting (文明随手拍)."""
        return self.leaves().filter(is_public=True, parent__is_public=True)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(code__icontains=text)
            | models.Q(name__icontains=text)
            | models.Q(public_name__icontains=text)
            | models.Q(examples__icontains=text)
        )


class CriterionQuerySet(_OfficeEditsAll):
    def in_set(self, standard_set):
        return self.filter(standard_set=standard_set)

    def for_point_type(self, point_type):
        """Criteria that apply to a point type (object or code): attached directly or through a block."""
        if isinstance(point_type, str):
            return self.filter(
                models.Q(point_types__code=point_type) | models.Q(block__point_types__code=point_type)
            ).distinct()
        return self.filter(
            models.Q(point_types=point_type) | models.Q(block__point_types=point_type)
        ).distinct()

    def field(self):
        return self.filter(method="field")

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(code__icontains=text)
            | models.Q(text__icontains=text)
            | models.Q(sampling_note__icontains=text)
            | models.Q(indicator__name__icontains=text)
        )
