"""/calendar/import/: paste the notice (or upload an XLSX), preview the changes, apply; the provisional
button; the expiry banner from 60 days before the confirmed calendar ends."""

import datetime
import io
import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.factories import make_unit, make_user
from tests.permissions import assert_matrix
from wenming.core import workcal
from wenming.core.calendar_data import package_days, package_years
from wenming.core.choices import DayKind, DayOrigin
from wenming.core.models import CalendarDay
from wenming.core.services import seed_calendar, set_calendar_day

NOTICE_2026 = (Path(__file__).parent / "fixtures" / "notice_2026.txt").read_text(encoding="utf-8")
URL = "/calendar/import/"


def test_import_page_is_for_the_office_only(client, db):
    handler = make_user("unit_handler", unit=make_unit())
    leader = make_user("leader")
    office = make_user("office")
    assert reverse("core:calendar_import") == URL
    assert_matrix(client, URL + "?year=2026", {"anonymous": 302, handler: 403, leader: 403, office: 200})


def test_pasting_the_2026_notice_previews_then_applies_it(client, db):
    office = make_user("office")
    client.force_login(office)
    set_calendar_day(actor=office, date=datetime.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="临时放假")

    response = client.post(URL, {"step": "preview", "year": 2026, "text": NOTICE_2026})
    assert response.status_code == 200
    preview = response.context["preview"]
    # 33 holiday dates and 6 make-up Saturdays/Sundays; on an empty calendar every one of them is a change.
    assert (preview.holidays, preview.makeups) == (33, 6)
    assert len(preview.changes) == 33 + 6
    assert [c.date for c in preview.kept] == [datetime.date(2026, 12, 31)]
    assert not CalendarDay.objects.filter(origin=DayOrigin.NOTICE).exists()  # a preview writes nothing
    html = response.content.decode()
    assert "确认导入" in html and "2026-02-14" in html

    applied = client.post(URL, {"step": "apply", "year": 2026, "payload": response.context["payload"]})
    assert applied.status_code == 200
    assert applied.context["report"].created == 364
    rows = {
        r.date: (r.kind, r.name) for r in CalendarDay.objects.in_year(2026).exclude(origin=DayOrigin.OVERRIDE)
    }
    expected = package_days(2026)
    del expected[datetime.date(2026, 12, 31)]
    assert rows == expected
    assert CalendarDay.objects.get(date=datetime.date(2026, 12, 31)).origin == DayOrigin.OVERRIDE
    assert workcal.year_is_confirmed(2026)


def test_a_wrong_notice_is_refused_and_changes_nothing(client, db):
    client.force_login(make_user("office"))
    response = client.post(URL, {"step": "preview", "year": 2027, "text": NOTICE_2026})
    assert response.status_code == 400
    assert "是星期" in response.content.decode()
    tampered = json.dumps([["2026-01-05", "weekend", ""]])
    response = client.post(URL, {"step": "apply", "year": 2026, "payload": tampered})
    assert response.status_code == 400
    assert "周一至周五不能设为周末" in response.content.decode()
    response = client.post(URL, {"step": "apply", "year": 2026, "payload": "not json"})
    assert response.status_code == 400
    assert not CalendarDay.objects.exists()


def test_an_xlsx_upload_previews_like_the_notice(client, db):
    client.force_login(make_user("office"))
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "类型", "名称"])
    for day, (kind, name) in sorted(package_days(2026).items()):
        if kind in (DayKind.HOLIDAY, DayKind.MAKEUP):
            sheet.append([day, "放假" if kind == DayKind.HOLIDAY else "上班", name])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("2026.xlsx", out.getvalue())
    response = client.post(URL, {"step": "preview", "year": 2026, "file": upload})
    assert response.status_code == 200
    assert (response.context["preview"].holidays, response.context["preview"].makeups) == (33, 6)


def test_the_office_seeds_an_unknown_year_provisionally_from_the_calendar_page(client, db):
    unknown = package_years().stop
    client.force_login(make_user("office"))
    page = client.get(reverse("core:calendar"), {"year": unknown})
    assert "按法定假日推算（暂定）" in page.content.decode()
    response = client.post(reverse("core:calendar_provisional"), {"year": unknown})
    assert response.status_code == 302
    assert CalendarDay.objects.in_year(unknown).filter(kind=DayKind.HOLIDAY).count() == 13
    page = client.get(reverse("core:calendar"), {"year": unknown})
    assert page.context["provisional"] is True
    assert 'id="calendar-provisional"' in page.content.decode()


def test_the_expiry_banner_shows_from_sixty_days_before_the_confirmed_calendar_ends(client, db, monkeypatch):
    seed_calendar(years=[2026])
    client.force_login(make_user("leader"))
    url = reverse("core:calendar") + "?year=2026"

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 10, 31))
    assert workcal.expiry_warning() is None  # 61 days before 31 Dec: one day too early
    assert 'id="calendar-expiry"' not in client.get(url).content.decode()

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 11, 1))
    warning = workcal.expiry_warning()
    assert warning == {
        "until": datetime.date(2026, 12, 31),
        "days_left": 60,
        "year": 2027,
        "provisional": False,
    }
    html = client.get(url).content.decode()
    assert 'id="calendar-expiry"' in html and "2026-12-31" in html and "还有 60 天" in html
