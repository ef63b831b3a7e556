"""Enumerations of the surveys app (badge colours beside each)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    """What a question measures; the four rates of the campaign are computed from their kinds (domain.md §4)."""

    AWARENESS = "awareness", _("知晓度")  # badge: blue — has a correct answer (知晓率)
    SUPPORT = "support", _("支持度")  # badge: green — 支持率
    PARTICIPATION = "participation", _("参与度")  # badge: purple — 参与率
    SATISFACTION = "satisfaction", _("满意度")  # badge: orange — 满意率 and the 100/60/0 mean
    OTHER = "other", _("其他单选题")  # badge: grey — reported, feeds no rate
    TEXT = "text", _("开放题")  # badge: grey — free text

    @classmethod
    def rates(cls) -> tuple[str, ...]:
        return (cls.AWARENESS, cls.SUPPORT, cls.PARTICIPATION, cls.SATISFACTION)


QUESTION_KIND_BADGE = {
    QuestionKind.AWARENESS: "blue",
    QuestionKind.SUPPORT: "green",
    QuestionKind.PARTICIPATION: "purple",
    QuestionKind.SATISFACTION: "orange",
    QuestionKind.OTHER: "grey",
    QuestionKind.TEXT: "grey",
}


class Scale(models.TextChoices):
    """The answer scale of a choice question; each proposes a default option set with its score mapping."""

    YES_NO = "yes_no", _("是/否")  # 知道/不知道, 支持/不支持 …
    THREE = "three", _("三级量表")  # 满意/基本满意/不满意 → 100/60/0
    FIVE = "five", _("五级量表")  # 非常满意/满意/基本满意/不太满意/不满意 → 100/80/60/40/0
    CUSTOM = "custom", _("自定义选项")  # e.g. an awareness question with one correct option among several
    NONE = "none", _("无（开放题）")


class WaveState(models.TextChoices):
    """A wave is designed (draft), collected (open), then closed and its estimates frozen."""

    DRAFT = "draft", _("草稿")  # badge: grey
    OPEN = "open", _("调查中")  # badge: blue
    CLOSED = "closed", _("已结束")  # badge: green


WAVE_STATE_BADGE = {WaveState.DRAFT: "grey", WaveState.OPEN: "blue", WaveState.CLOSED: "green"}


class DesignMode(models.TextChoices):
    """How the sample size of each stratum is set."""

    PER_STRATUM = "per_stratum", _("每层按误差与置信度计算")  # e.g. ±5 % at 95 % in every street ≈ 385 each
    PROPORTIONAL = (
        "proportional",
        _("总体按误差计算、按人口比例分配"),
    )  # overall ±3 % ≈ 1,068, split by population
    QUOTA = "quota", _("每区域固定配额")  # e.g. 20 households × 100 communities


class StratumLevel(models.TextChoices):
    """Which areas the strata are."""

    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")


class Channel(models.TextChoices):
    """How a response was collected."""

    INTERVIEW = "interview", _("入户/拦截访问")  # badge: blue — an interviewer's phone
    PUBLIC = "public", _("扫码自填")  # badge: green — the public link / QR code, no login
    IMPORT = "import", _("外部导入")  # badge: grey — an XLSX collected elsewhere (e.g. a third party)


CHANNEL_BADGE = {Channel.INTERVIEW: "blue", Channel.PUBLIC: "green", Channel.IMPORT: "grey"}


class AgeBand(models.TextChoices):
    """Age bands of the respondent block (the export shows the band, never the exact age)."""

    UNDER_18 = "lt18", _("18 岁以下")
    A18_24 = "18_24", _("18–24 岁")
    A25_34 = "25_34", _("25–34 岁")
    A35_44 = "35_44", _("35–44 岁")
    A45_54 = "45_54", _("45–54 岁")
    A55_65 = "55_65", _("55–65 岁")
    OVER_65 = "gt65", _("65 岁以上")


# (youngest, oldest) age of each band; None = open-ended.
AGE_BAND_RANGE = {
    AgeBand.UNDER_18: (0, 17),
    AgeBand.A18_24: (18, 24),
    AgeBand.A25_34: (25, 34),
    AgeBand.A35_44: (35, 44),
    AgeBand.A45_54: (45, 54),
    AgeBand.A55_65: (55, 65),
    AgeBand.OVER_65: (66, None),
}


def age_band_of(age: int) -> str:
    for band, (low, high) in AGE_BAND_RANGE.items():
        if age >= low and (high is None or age <= high):
            return band
    return AgeBand.OVER_65


class Residence(models.TextChoices):
    """How long the respondent has lived here (居住时间)."""

    UNDER_6M = "lt6m", _("不满半年")
    M6_1Y = "6m_1y", _("半年至 1 年")
    Y1_3 = "1_3y", _("1–3 年")
    Y3_5 = "3_5y", _("3–5 年")
    Y5_10 = "5_10y", _("5–10 年")
    OVER_10Y = "gt10y", _("10 年以上")


# The shortest residence (in months) each band guarantees; eligibility compares it with the questionnaire's
# minimum, which is therefore one of these values.
RESIDENCE_MIN_MONTHS = {
    Residence.UNDER_6M: 0,
    Residence.M6_1Y: 6,
    Residence.Y1_3: 12,
    Residence.Y3_5: 36,
    Residence.Y5_10: 60,
    Residence.OVER_10Y: 120,
}


class Occupation(models.TextChoices):
    """Occupation groups of the respondent block."""

    PUBLIC_SECTOR = "public", _("机关事业单位")
    EMPLOYEE = "employee", _("企业职工")
    SELF_EMPLOYED = "self", _("个体经营者")
    MIGRANT = "migrant", _("外来务工人员")
    STUDENT = "student", _("学生")
    RETIRED = "retired", _("离退休人员")
    FREELANCE = "freelance", _("自由职业")
    UNEMPLOYED = "unemployed", _("无业/待业")
    OTHER = "other", _("其他")


class TrainingKind(models.TextChoices):
    """Kinds of training (培训指导)."""

    LECTURE = "lecture", _("集中培训")  # badge: blue
    SITE_VISIT = "site_visit", _("实地考察分类观摩")  # badge: purple — visiting example points by type
    ONSITE = "onsite", _("现场指导")  # badge: orange
    ONLINE = "online", _("线上培训")  # badge: grey


TRAINING_KIND_BADGE = {
    TrainingKind.LECTURE: "blue",
    TrainingKind.SITE_VISIT: "purple",
    TrainingKind.ONSITE: "orange",
    TrainingKind.ONLINE: "grey",
}


class AttendanceStatus(models.TextChoices):
    """Whether a person attended a session (签到)."""

    PRESENT = "present", _("出席")  # badge: green
    LEAVE = "leave", _("请假")  # badge: orange
    ABSENT = "absent", _("缺席")  # badge: red


ATTENDANCE_BADGE = {
    AttendanceStatus.PRESENT: "green",
    AttendanceStatus.LEAVE: "orange",
    AttendanceStatus.ABSENT: "red",
}


class ExampleKind(models.TextChoices):
    """An example shows the right or the wrong practice (正反典型)."""

    RIGHT = "right", _("正确做法")  # badge: green
    WRONG = "wrong", _("错误做法")  # badge: red


EXAMPLE_KIND_BADGE = {ExampleKind.RIGHT: "green", ExampleKind.WRONG: "red"}
