"""Factories for the surveys tests: a district with two streets and their communities, a questionnaire with one
question of every kind, an open wave stratified by street, the people of every role, training and examples."""

import datetime
import io
import uuid
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from tests.factories import make_area, make_person, make_point_type, make_unit, make_user
from wenming.geo.choices import AreaLevel
from wenming.surveys import services
from wenming.surveys.choices import DesignMode, QuestionKind, Scale, StratumLevel


def make_questionnaire(actor=None, title: str = "文明城市创建市民满意度调查") -> object:
    """Q1 awareness (知道/不知道), Q2 awareness with a correct option among four, Q3 support (3-point with 说不清),
    Q4 participation (yes/no), Q5 satisfaction (3-point 100/60/0 with 说不清), Q6 free text (optional)."""
    q = services.create_questionnaire(actor=actor, title=title, intro="您好，本次调查匿名进行，约需 3 分钟。")
    services.add_question(actor=actor, questionnaire=q, code="Q1", text="您是否知道本市正在创建全国文明城市？",
                          kind=QuestionKind.AWARENESS, scale=Scale.YES_NO)  # fmt: skip
    services.add_question(
        actor=actor, questionnaire=q, code="Q2", text="社会主义核心价值观国家层面的价值目标是？",
        kind=QuestionKind.AWARENESS, scale=Scale.CUSTOM,
        options=[{"value": "1", "label": "富强、民主、文明、和谐", "positive": True},
                 {"value": "2", "label": "自由、平等、公正、法治"}, {"value": "3", "label": "爱国、敬业、诚信、友善"},
                 {"value": "4", "label": "不知道"}],
    )  # fmt: skip
    services.add_question(actor=actor, questionnaire=q, code="Q3", text="您是否支持创建文明城市？",
                          kind=QuestionKind.SUPPORT, scale=Scale.THREE)  # fmt: skip
    services.add_question(actor=actor, questionnaire=q, code="Q4", text="您是否参与过文明创建志愿活动？",
                          kind=QuestionKind.PARTICIPATION, scale=Scale.YES_NO)  # fmt: skip
    services.add_question(actor=actor, questionnaire=q, code="Q5", text="您对本区文明创建工作成效是否满意？",
                          kind=QuestionKind.SATISFACTION, scale=Scale.THREE)  # fmt: skip
    services.add_question(actor=actor, questionnaire=q, code="Q6", text="您对文明创建还有什么建议？",
                          kind=QuestionKind.TEXT, scale=Scale.NONE, required=False)  # fmt: skip
    return q


@dataclass
class World:
    district: object
    street: object
    other_street: object
    community: object
    other_community: object
    unit: object
    person: object
    office: object
    leader: object
    auditor: object
    inspector: object
    interviewer: object  # a named interviewer without the inspector role (the dedicated flag)
    unit_user: object
    street_user: object
    questionnaire: object
    wave: object
    strata: dict = field(default_factory=dict)  # area pk → Stratum
    questions: dict = field(default_factory=dict)  # code → Question

    def stratum(self, area=None):
        return self.strata[(area or self.street).pk]


def make_world(*, open_wave: bool = True, design: str = DesignMode.QUOTA, quota: int = 4) -> World:
    district = make_area(AreaLevel.DISTRICT, name="湖里区")
    street = make_area(AreaLevel.STREET, parent=district, name="江头街道", population=1000)
    other_street = make_area(AreaLevel.STREET, parent=district, name="金山街道", population=3000)
    community = make_area(AreaLevel.COMMUNITY, parent=street, name="江头社区", population=600)
    other_community = make_area(AreaLevel.COMMUNITY, parent=other_street, name="高林社区", population=1500)
    unit = make_unit(name="江头街道办事处")
    person = make_person(unit=unit, name="李学员")
    office = make_user("office")
    unit_user = make_user("unit_handler", unit=unit)
    unit_user.person = person
    unit_user.save(update_fields=["person"])
    questionnaire = make_questionnaire(office)
    interviewer = make_user("community", area=community)
    wave = services.create_wave(
        actor=office, name="2026 年第一季度市民满意度调查", questionnaire=questionnaire,
        period_start=datetime.date(2026, 3, 1), period_end=datetime.date(2026, 3, 31),
        stratum_level=StratumLevel.STREET, design=design, quota=quota, areas=[street, other_street],
        interviewers=[interviewer],
    )  # fmt: skip
    if open_wave:
        wave = services.open_wave(actor=office, wave=wave)
    w = World(
        district=district, street=street, other_street=other_street, community=community,
        other_community=other_community, unit=unit, person=person, office=office, leader=make_user("leader"),
        auditor=make_user("auditor"), inspector=make_user("inspector"), interviewer=interviewer,
        unit_user=unit_user, street_user=make_user("street", area=street), questionnaire=questionnaire, wave=wave,
    )  # fmt: skip
    w.strata = {s.area_id: s for s in wave.strata.all()}
    w.questions = {q.code: q for q in questionnaire.questions.all()}
    return w


def answers(world, *, q1="1", q2="1", q3="1", q4="1", q5="1", q6="") -> dict:
    codes = {"Q1": q1, "Q2": q2, "Q3": q3, "Q4": q4, "Q5": q5, "Q6": q6}
    return {str(world.questions[c].pk): v for c, v in codes.items() if v}


def payload(
    world, *, area=None, client_id=None, age=35, residence="3_5y", occupation="employee", **answer_kw
) -> dict:
    area = area or world.community
    stratum = world.stratum(area if area.level == AreaLevel.STREET else area.parent)
    return {
        "client_id": str(client_id or uuid.uuid4()), "stratum": stratum.pk, "area": area.pk, "age": age,
        "residence": residence, "occupation": occupation, "started_at": "2026-03-10T09:00:00+08:00",
        "completed_at": "2026-03-10T09:05:00+08:00", "lat": 24.51, "lon": 118.14, "accuracy": 15,
        "answers": answers(world, **answer_kw),
    }  # fmt: skip


def respond(world, actor=None, **kw):
    """One interview response through the service (by the office unless an actor is given)."""
    submission = services.parse_submission(payload(world, **kw))
    return services.submit_response(
        actor=actor or world.office, wave=world.wave, submission=submission
    ).response


def make_session(world, **kw):
    kw.setdefault("topic", "文明城市测评标准解读")
    kw.setdefault("date", datetime.date(2026, 3, 5))
    kw.setdefault("audience_units", [world.unit])
    return services.create_session(actor=world.office, **kw)


def jpeg(name: str = "photo.jpg", size=(640, 480), text: str = "示例") -> SimpleUploadedFile:
    image = Image.new("RGB", size, (60, 140, 80))
    ImageDraw.Draw(image).rectangle((40, 40, 300, 200), fill=(240, 220, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_example(world, point_type=None, **kw):
    kw.setdefault("kind", "right")
    kw.setdefault("title", "农贸市场公平秤设置规范")
    return services.create_example(actor=world.office, point_type=point_type or make_point_type(), **kw)
