"""Test data for citizen participation: a small district with real boundaries, units, public and hidden
categories with examples, office and field users; photos with and without EXIF GPS."""

import datetime
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import make_area, make_category, make_group, make_unit, make_user, square
from wenming.geo.choices import AreaLevel
from wenming.org.choices import UnitLevel

SH = ZoneInfo("Asia/Shanghai")
# Inside the test street's square (lon 118.10–118.12, lat 24.50–24.52).
LAT, LON = 24.5105, 118.1105
NAME, PHONE = "龚秀梅测试", "13912345678"


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SH)


def jpeg(name="photo.jpg", size=(64, 48), color=(200, 30, 30), gps: tuple[float, float] | None = None):
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if gps is None:
        image.save(out, "JPEG")
    else:
        from PIL.TiffImagePlugin import IFDRational

        def dms(value):
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60 * 1000)
            return (IFDRational(d, 1), IFDRational(m, 1), IFDRational(s, 1000))

        exif = Image.Exif()
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1], gps_ifd[3] = "N", "E"
        gps_ifd[2], gps_ifd[4] = dms(gps[0]), dms(gps[1])
        image.save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@dataclass
class World:
    district: object
    street: object
    community: object
    other_street: object
    street_unit: object
    other_street_unit: object
    bureau: object
    group: object
    top: object
    leaf: object
    other_leaf: object
    hidden_top: object
    hidden_leaf: object
    office: object
    leader: object
    handler: object
    inspector: object
    street_user: object
    other_street_user: object
    unit_user: object


def build_world() -> World:
    street_unit = make_unit(name="湖里街道办事处", level=UnitLevel.STREET)
    other_street_unit = make_unit(name="金山街道办事处", level=UnitLevel.STREET)
    bureau = make_unit(name="区城市管理局")
    district = make_area(AreaLevel.DISTRICT, name="湖里区", boundary=square(118.06, 24.47, 0.15))
    street = make_area(AreaLevel.STREET, parent=district, name="湖里街道", unit=street_unit,
                       boundary=square(118.10, 24.50, 0.02))  # fmt: skip
    community = make_area(
        AreaLevel.COMMUNITY, parent=street, name="东渡社区", boundary=square(118.10, 24.50, 0.02)
    )
    other_street = make_area(AreaLevel.STREET, parent=district, name="金山街道", unit=other_street_unit,
                             boundary=square(118.16, 24.50, 0.02))  # fmt: skip
    group = make_group(name="市容环境卫生整治组", lead_unit=bureau)
    top = make_category(code="ENV", name="环境卫生", public_name="环境卫生", special_group=group)
    leaf = make_category(
        parent=top, code="ENV-01", name="暴露垃圾", public_name="垃圾没有及时清运", deadline_value=1,
        deadline_unit="days", examples="路边堆了好几袋生活垃圾\n垃圾好几天没人收\n小区门口垃圾袋堆在地上发臭",
    )  # fmt: skip
    other_leaf = make_category(
        parent=top, code="ENV-03", name="垃圾桶满溢", public_name="垃圾桶满了没人清", deadline_value=4,
        deadline_unit="hours", examples="垃圾桶满出来了\n果皮箱塞满了\n分类垃圾桶满溢盖不上",
    )  # fmt: skip
    hidden_top = make_category(code="SEC", name="内部事项", public_name="内部事项", is_public=False)
    hidden_leaf = make_category(parent=hidden_top, code="SEC-01", name="内部督办", examples="内部督办事项")
    return World(
        district=district, street=street, community=community, other_street=other_street,
        street_unit=street_unit, other_street_unit=other_street_unit, bureau=bureau, group=group, top=top, leaf=leaf,
        other_leaf=other_leaf, hidden_top=hidden_top, hidden_leaf=hidden_leaf,
        office=make_user("office", username="office-p"),
        leader=make_user("leader", username="leader-p"),
        handler=make_user("unit_handler", unit=bureau, username="handler-p"),
        inspector=make_user("inspector", username="inspector-p"),
        street_user=make_user("street", area=street, username="street-p"),
        other_street_user=make_user("street", area=other_street, username="street-q"),
        unit_user=make_user("unit_handler", unit=street_unit, username="streetunit-p"),
    )  # fmt: skip


def submit(w: World, **kw):
    from wenming.participation import services

    kw.setdefault("description", "路边绿化带里堆了好几袋生活垃圾，没人收")
    kw.setdefault("category", w.leaf)
    kw.setdefault("lat", LAT)
    kw.setdefault("lon", LON)
    kw.setdefault("consent", True)
    kw.setdefault("ip", "10.0.0.1")
    kw.setdefault("photos", [jpeg()])
    return services.submit_report(**kw)


def close_case_of(w: World, report, *, at=None):
    """Bring the report's case from dispatched to closed through the cases services."""
    from wenming.cases import services as cases

    report.refresh_from_db()
    case = report.case
    at = at or case.dispatched_at + datetime.timedelta(hours=1)
    fixer = w.handler if case.unit_id == w.bureau.pk else w.unit_user
    case = cases.transition(case, "acknowledge", actor=fixer, at=at)
    case = cases.report_fix(case, actor=fixer, photos=[jpeg("after.jpg", color=(20, 160, 60))], note="已清理",
                            at=at + datetime.timedelta(hours=1))  # fmt: skip
    return cases.verify_fix(case, actor=w.office, passed=True, at=at + datetime.timedelta(hours=2))
