from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    """A responsible unit's level; units above the district cannot be ordered, only coordinated."""

    CENTRAL = "central", _("央属")  # badge: purple
    PROVINCIAL = "provincial", _("省属")  # badge: purple
    MUNICIPAL = "municipal", _("市属")  # badge: blue
    DISTRICT = "district", _("区属")  # badge: red
    STREET = "street", _("街道")  # badge: orange
    COMMUNITY = "community", _("社区")  # badge: green
    ENTERPRISE = "enterprise", _("企业")  # badge: grey
    PROPERTY = "property", _("物业")  # badge: grey

    @classmethod
    def above_district(cls) -> frozenset[str]:
        return frozenset({cls.CENTRAL, cls.PROVINCIAL, cls.MUNICIPAL})


UNIT_LEVEL_BADGE = {
    UnitLevel.CENTRAL: "purple",
    UnitLevel.PROVINCIAL: "purple",
    UnitLevel.MUNICIPAL: "blue",
    UnitLevel.DISTRICT: "red",
    UnitLevel.STREET: "orange",
    UnitLevel.COMMUNITY: "green",
    UnitLevel.ENTERPRISE: "grey",
    UnitLevel.PROPERTY: "grey",
}
