"""Business reads for the standard. The standard is public to every signed-in user; only the
office edits it."""

from django.db import models


class _OfficeEditsAll(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        if action == "view":
            return self if user.is_authenticated else self.none()
        return self if user.scope().sees_all(action) else self.none()


class StandardSetQuerySet(_OfficeEditsAll):
    def active(self):
        return self.filter(is_active=True)


class ProblemCategoryQuerySet(_OfficeEditsAll):
    def top_level(self):
        return self.filter(parent__isnull=True)

    def leaves(self):
        return self.filter(parent__isnull=False)


class CriterionQuerySet(_OfficeEditsAll):
    def for_point_type(self, point_type):
        """Criteria that apply to a point type: attached directly or through a block (common civility)."""
        return self.filter(
            models.Q(point_types=point_type) | models.Q(block__point_types=point_type)
        ).distinct()
