"""Demo step: surveys and training — a questionnaire, two completed survey waves over the five streets (the
later one ≥ 1,000 responses, ±3 % at 95 % allocated by population) with their frozen estimates, a training
session with attendance and a quiz, a field-visit session, and a few examples of right and wrong practice.

Idempotent: every object is found by a fixed name (or a client id derived from the seed) and left alone when it
exists; a wave already closed is never touched again. Answers are drawn from per-street "true" rates with the
step's seeded rng, so the same seed gives the same responses. The example photos are drawn diagrams, not real
photos (their captions say so).
"""

import datetime
import io
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from wenming.demo import huli
from wenming.demo.context import DemoContext
from wenming.org.models import Person
from wenming.surveys import services
from wenming.surveys.choices import (
    AttendanceStatus,
    Channel,
    DesignMode,
    Occupation,
    QuestionKind,
    Residence,
    Scale,
    StratumLevel,
    TrainingKind,
    WaveState,
)
from wenming.surveys.models import Example, Questionnaire, TrainingSession, Wave

QUESTIONNAIRE_TITLE = "湖里区文明城市创建市民问卷调查（2025 年度）"
INTRO = ("您好！我们正在开展文明城市创建市民问卷调查，了解您对创建工作的知晓、支持、参与和满意情况。"
         "调查匿名进行，约需 3 分钟，感谢您的支持！")  # fmt: skip
QUESTIONS = (
    ("Q1", "您是否知道厦门市正在巩固提升全国文明城市创建成果？", QuestionKind.AWARENESS, Scale.YES_NO, None),
    ("Q2", "社会主义核心价值观个人层面的价值准则是？", QuestionKind.AWARENESS, Scale.CUSTOM,
     ["爱国、敬业、诚信、友善", "富强、民主、文明、和谐", "自由、平等、公正、法治", "不知道"]),
    ("Q3", "您是否知道可以通过“文明随手拍”反映身边的不文明现象？", QuestionKind.AWARENESS, Scale.YES_NO, None),
    ("Q4", "您是否支持文明城市创建工作？", QuestionKind.SUPPORT, Scale.THREE, None),
    ("Q5", "您是否参加过文明创建志愿服务或社区环境整治活动？", QuestionKind.PARTICIPATION, Scale.THREE, None),
    ("Q6", "您是否通过“文明随手拍”等渠道反映过问题？", QuestionKind.PARTICIPATION, Scale.YES_NO, None),
    ("Q7", "您对所住社区（小区）的环境卫生是否满意？", QuestionKind.SATISFACTION, Scale.THREE, None),
    ("Q8", "您对周边道路交通秩序是否满意？", QuestionKind.SATISFACTION, Scale.THREE, None),
    ("Q9", "总体来说，您对本区文明城市创建工作成效是否满意？", QuestionKind.SATISFACTION, Scale.FIVE, None),
    ("Q10", "您对文明城市创建还有哪些意见和建议？", QuestionKind.TEXT, Scale.NONE, None),
)  # fmt: skip
# Per street: (awareness, support, participation, satisfaction) "true" shares in the later wave.
TRUE_RATES = {"湖里": (0.90, 0.95, 0.55, 0.86), "殿前": (0.86, 0.94, 0.48, 0.82), "禾山": (0.93, 0.97, 0.62, 0.90),
              "江头": (0.91, 0.96, 0.58, 0.88), "金山": (0.88, 0.95, 0.52, 0.84)}  # fmt: skip
WAVES = (
    # (name, period, design, margin, quota, rate shift, seed tag)
    ("2025 年第二季度市民文明创建问卷调查", (datetime.date(2025, 5, 6), datetime.date(2025, 5, 31)),
     DesignMode.PER_STRATUM, Decimal("0.080"), None, -0.06, "q2"),
    ("2025 年第四季度市民文明创建问卷调查", (datetime.date(2025, 11, 3), datetime.date(2025, 11, 28)),
     DesignMode.PROPORTIONAL, Decimal("0.030"), None, 0.0, "q4"),
)  # fmt: skip
SUGGESTIONS = ("希望多设置一些垃圾分类投放点。", "电动车乱停放还需加强管理。", "建议增加社区健身设施。",
               "背街小巷路灯有的不亮。", "希望志愿活动多在周末开展。", "外卖骑手闯红灯现象较多。")  # fmt: skip
AGES = (18, 22, 27, 31, 36, 40, 44, 48, 53, 57, 61, 65)
RESIDENCE_WEIGHTS = ((Residence.M6_1Y, 1), (Residence.Y1_3, 2), (Residence.Y3_5, 2), (Residence.Y5_10, 3),
                     (Residence.OVER_10Y, 4))  # fmt: skip
OCCUPATION_WEIGHTS = ((Occupation.EMPLOYEE, 5), (Occupation.PUBLIC_SECTOR, 1), (Occupation.SELF_EMPLOYED, 2),
                      (Occupation.MIGRANT, 2), (Occupation.STUDENT, 1), (Occupation.RETIRED, 2),
                      (Occupation.FREELANCE, 1), (Occupation.OTHER, 1))  # fmt: skip


def _questionnaire() -> Questionnaire:
    existing = Questionnaire.objects.filter(title=QUESTIONNAIRE_TITLE).first()
    if existing is not None:
        return existing
    q = services.create_questionnaire(actor=None, title=QUESTIONNAIRE_TITLE, intro=INTRO)
    for code, text, kind, scale, labels in QUESTIONS:
        options = None
        if labels:
            options = [
                {"value": str(i), "label": label, "positive": i == 1} for i, label in enumerate(labels, 1)
            ]
        services.add_question(actor=None, questionnaire=q, code=code, text=text, kind=kind, scale=scale,
                              options=options, required=kind != QuestionKind.TEXT)  # fmt: skip
    return q


def _choice(rng, weighted):
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _answer(rng, question, share: float) -> str:
    """An option drawn so that the positive options come up with probability `share`."""
    options = question.options
    positive = [o for o in options if o["positive"]]
    negative = [o for o in options if not o["positive"] and o["valid"]]
    invalid = [o for o in options if not o["valid"]]
    if invalid and rng.random() < 0.03:
        return invalid[0]["value"]
    if rng.random() < share:
        weights = [3 if (o["score"] or 0) >= 80 else 2 for o in positive]
        return rng.choices(positive, weights=weights)[0]["value"]
    return rng.choice(negative)["value"]


def _submissions(ctx: DemoContext, wave: Wave, tag: str, shift: float) -> list[services.Submission]:
    questions = list(wave.questionnaire.questions.order_by("order", "pk"))
    start, end = wave.period_start, wave.period_end
    days = (end - start).days
    out = []
    for stratum in wave.strata.select_related("area").order_by("order"):
        street = stratum.area.name.removesuffix("街道")
        rates = TRUE_RATES.get(street, (0.88, 0.95, 0.5, 0.85))
        communities = list(stratum.area.children.order_by("code"))
        for i in range(stratum.target):
            share = {QuestionKind.AWARENESS: rates[0], QuestionKind.SUPPORT: rates[1],
                     QuestionKind.PARTICIPATION: rates[2], QuestionKind.SATISFACTION: rates[3]}  # fmt: skip
            answers = {}
            for q in questions:
                if q.kind == QuestionKind.TEXT:
                    if ctx.rng.random() < 0.12:
                        answers[q.pk] = ctx.rng.choice(SUGGESTIONS)
                    continue
                answers[q.pk] = _answer(ctx.rng, q, min(0.99, share[q.kind] + shift))
            day = start + datetime.timedelta(days=ctx.rng.randint(0, days))
            when = datetime.datetime.combine(day, datetime.time(ctx.rng.randint(9, 19), ctx.rng.randint(0, 59)),
                                             tzinfo=datetime.timezone(datetime.timedelta(hours=8)))  # fmt: skip
            area = ctx.rng.choice(communities) if communities else stratum.area
            lat = (area.centroid_lat or 24.515) + ctx.rng.uniform(-0.002, 0.002)
            lon = (area.centroid_lon or 118.14) + ctx.rng.uniform(-0.002, 0.002)
            out.append(services.Submission(
                client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"wenming-demo:{ctx.seed}:{tag}:{stratum.area.code}:{i}"),
                stratum=stratum.pk, area=area.pk, age=ctx.rng.choice(AGES), residence=_choice(ctx.rng, RESIDENCE_WEIGHTS),
                occupation=_choice(ctx.rng, OCCUPATION_WEIGHTS), answers=answers,
                started_at=when - datetime.timedelta(minutes=ctx.rng.randint(3, 8)), completed_at=when,
                lat=round(lat, 6), lon=round(lon, 6), accuracy=float(ctx.rng.randint(5, 40)),
            ))  # fmt: skip
    return out


def _wave(ctx: DemoContext, questionnaire, spec, streets, interviewer) -> Wave:
    name, (start, end), design, margin, quota, shift, tag = spec
    wave = Wave.objects.filter(name=name).first()
    if wave is None:
        wave = services.create_wave(
            actor=None, name=name, questionnaire=questionnaire, period_start=start, period_end=end,
            stratum_level=StratumLevel.STREET, design=design, margin=margin, quota=quota, areas=streets,
            note="演示数据：答卷由随机种子生成。",
        )  # fmt: skip
    if wave.state == WaveState.CLOSED:
        return wave
    if wave.state == WaveState.DRAFT:
        wave = services.open_wave(actor=None, wave=wave)
    subs = _submissions(ctx, wave, tag, shift)
    public = {s.client_id for s in subs if ctx.rng.random() < 0.15}
    services.record_responses(actor=None, wave=wave, submissions=[s for s in subs if s.client_id not in public],
                              channel=Channel.INTERVIEW, interviewer=interviewer)  # fmt: skip
    services.record_responses(actor=None, wave=wave, submissions=[s for s in subs if s.client_id in public],
                              channel=Channel.PUBLIC)  # fmt: skip
    return services.close_wave(actor=None, wave=wave)


def _training(ctx: DemoContext) -> None:
    units = ctx.units
    street_offices = [
        units[huli.street_unit_code(s)] for s in huli.STREETS if huli.street_unit_code(s) in units
    ]
    bureaus = [units[c] for c in ("QS-CGJ", "QS-SJJ", "QS-JJJ", "QS-SZYL") if c in units]
    topic = "2025 年全国文明城市测评体系解读及迎检培训"
    session = TrainingSession.objects.filter(topic=topic).first()
    if session is None:
        session = services.create_session(
            actor=None, topic=topic, kind=TrainingKind.LECTURE, date=datetime.date(2025, 9, 12),
            place="湖里区行政服务中心三楼会议室", trainer="区文明办创建科",
            description="测评体系变化要点、易扣分点清零、实地考察点位逐一过关要求、问卷调查知晓率和参与率提升措施。",
            audience_units=street_offices + bureaus,
        )  # fmt: skip
        people = Person.objects.filter(unit__in=street_offices + bureaus, is_active=True).order_by(
            "unit_id", "pk"
        )
        entries = []
        for person in people:
            roll = ctx.rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.82
                else AttendanceStatus.LEAVE
                if roll < 0.92
                else AttendanceStatus.ABSENT
            )
            entries.append((person, status, "外出执法" if status == AttendanceStatus.LEAVE else ""))
        services.record_attendance(actor=None, session=session, entries=entries)
        services.save_quiz(actor=None, session=session, title="测评体系知识测验", questions=services.parse_quiz_text(
            "社会主义核心价值观国家层面的价值目标是？\n* 富强、民主、文明、和谐\n自由、平等、公正、法治\n爱国、敬业、诚信、友善\n\n"
            "农贸市场内活禽销售区与其他食品区应保持多远距离？\n2 米\n* 5 米以上\n无要求\n\n"
            "以下哪些属于公共文明通用项？（多选）\n* 无随地吐痰\n* 无乱扔垃圾\n路灯亮灯率\n"))  # fmt: skip
    visit = "农贸市场与背街小巷实地考察分类观摩"
    if not TrainingSession.objects.filter(topic=visit).exists():
        types = [ctx.point_types[c] for c in ("MARKET", "BACK_STREET") if c in ctx.point_types]
        session = services.create_session(
            actor=None, topic=visit, kind=TrainingKind.SITE_VISIT, date=datetime.date(2025, 10, 16),
            place="江头农贸市场、吕厝背街小巷", trainer="区文明办督查科", audience_units=street_offices,
            point_types=types, description="对照正反典型，现场讲解公平秤、活禽区、公益广告和背街小巷保洁的标准做法。",
        )  # fmt: skip
        people = Person.objects.filter(unit__in=street_offices, is_active=True).order_by("unit_id", "pk")[:30]
        services.record_attendance(actor=None, session=session,
                                   entries=[(p, AttendanceStatus.PRESENT, "") for p in people])  # fmt: skip


def _diagram(right: bool, seed: int) -> SimpleUploadedFile:
    """A drawn diagram standing in for a photo (green frame: right practice; red: wrong)."""
    image = Image.new("RGB", (640, 420), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    colour = (30, 142, 62) if right else (192, 57, 43)
    draw.rectangle((10, 10, 630, 410), outline=colour, width=10)
    for i in range(5):
        x = 60 + i * 110 + seed % 17
        draw.rectangle((x, 180 - i * 12, x + 70, 330), fill=(120 + i * 20, 150, 190 - i * 15))
    if right:
        draw.line((250, 60, 300, 110, 390, 30), fill=colour, width=14)
    else:
        draw.line((260, 40, 380, 140), fill=colour, width=14)
        draw.line((380, 40, 260, 140), fill=colour, width=14)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"demo-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _examples(ctx: DemoContext) -> None:
    from wenming.standards.models import Criterion

    specs = (
        (
            "MARKET",
            "公平秤",
            "right",
            "农贸市场入口设置公平秤",
            "公平秤设于入口显著位置，有检定标识和使用说明。",
        ),
        ("MARKET", "活禽", "wrong", "活禽销售区与熟食区混设", "活禽区未隔离，与熟食摊位距离不足 5 米。"),
        ("BACK_STREET", "路灯", "right", "背街小巷路灯完好", "路灯设置齐全、夜间全部点亮。"),
        ("BACK_STREET", "", "wrong", "背街小巷乱堆乱放", "楼道口堆放杂物、垃圾未及时清运。"),
        ("BUS_STOP", "", "right", "公交站台整洁有序", "站牌信息完整，候车区无小广告，乘客排队候车。"),
    )
    for index, (type_code, keyword, kind, title, description) in enumerate(specs, start=1):
        point_type = ctx.point_types.get(type_code)
        if point_type is None or Example.objects.filter(title=title).exists():
            continue
        criteria = Criterion.objects.filter(standard_set__is_active=True, point_types=point_type).order_by(
            "order", "code"
        )
        criterion = (criteria.filter(text__contains=keyword).first() if keyword else None) or criteria.first()
        services.create_example(
            actor=None, point_type=point_type, kind=kind, title=title, criterion=criterion,
            description=description + "（示意图，演示数据）", photos=[_diagram(kind == "right", index)],
        )  # fmt: skip


def load_surveys(ctx: DemoContext) -> None:
    """Surveys (two closed waves with frozen estimates), training with attendance and a quiz, examples."""
    questionnaire = _questionnaire()
    streets = [ctx.areas[huli.street_code(s)] for s in huli.STREETS if huli.street_code(s) in ctx.areas]
    interviewer = get_user_model().objects.filter(username="inspector").first()
    for spec in WAVES:
        _wave(ctx, questionnaire, spec, streets, interviewer)
    _training(ctx)
    _examples(ctx)
    latest = Wave.objects.filter(name=WAVES[-1][0]).first()
    ctx.log(
        f"  问卷调查：{Wave.objects.count()} 个批次，最近一次 {latest.responses.count() if latest else 0} 份答卷"
    )
