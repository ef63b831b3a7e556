"""The scoped-view helpers moved to `wenming.core.mixins` (they serve every app above core). Re-exported
here for the apps that still import them from org; new code imports them from core."""

from wenming.core.mixins import (
    FilteredListView,
    OfficeRequiredMixin,
    ScopedQuerysetMixin,
    apply_service_errors,
    can_change,
)

__all__ = [
    "FilteredListView",
    "OfficeRequiredMixin",
    "ScopedQuerysetMixin",
    "apply_service_errors",
    "can_change",
]
