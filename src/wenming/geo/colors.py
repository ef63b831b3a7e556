"""Map colours per point type: one palette, assigned in the point types' own order, so every map and
legend of the platform shows a type in the same colour."""

from wenming.standards.models import PointType

# 28 distinguishable colours (Tableau 20 + extra); the order of point types picks them.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#393b79", "#e6550d", "#31a354", "#843c39", "#7b4173", "#3182bd", "#fd8d3c", "#74c476",
    "#ad494a", "#a55194", "#6b6ecf", "#b5cf6b", "#e7ba52", "#d6616b", "#ce6dbd", "#9c9ede", "#637939",
    "#8c6d31",
)  # fmt: skip


def point_type_colors() -> dict[int, str]:
    ids = PointType.objects.order_by("order", "code").values_list("id", flat=True)
    return {pk: PALETTE[i % len(PALETTE)] for i, pk in enumerate(ids)}
