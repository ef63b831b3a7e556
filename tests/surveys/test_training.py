"""Training: sessions, attendance, materials, quizzes with scores, coverage per unit; the example library with
photos and the template tag other pages use to show examples next to a criterion."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory

from tests.factories import make_person, make_point, make_point_type, make_unit, make_user
from tests.inspections.factories import make_standard
from tests.surveys.factories import jpeg, make_example, make_session
from wenming.org.models import Unit
from wenming.surveys import services
from wenming.surveys.coverage import coverage
from wenming.surveys.models import Attendance, Example, ExamplePhoto, QuizAttempt, TrainingMaterial


def test_attendance_is_recorded_changed_and_removed(world):
    session = make_session(world)
    other = make_person(unit=world.unit, name="王缺席")
    services.record_attendance(actor=world.office, session=session,
                               entries=[(world.person, "present", ""), (other, "leave", "出差")])  # fmt: skip
    assert dict(Attendance.objects.values_list("person__name", "status")) == {
        "李学员": "present",
        "王缺席": "leave",
    }
    services.record_attendance(actor=world.office, session=session, entries=[(other, "", "")])
    assert list(Attendance.objects.values_list("person__name", flat=True)) == ["李学员"]
    with pytest.raises(services.SurveyError):
        services.record_attendance(actor=world.office, session=session, entries=[(other, "late", "")])
    with pytest.raises(PermissionDenied):
        services.record_attendance(actor=world.leader, session=session, entries=[(other, "present", "")])
    assert Attendance.objects.count() == 1


def test_coverage_lists_who_has_not_been_trained(world):
    other_unit = make_unit(name="区城管局")
    a = make_person(unit=world.unit, name="甲")
    make_person(unit=world.unit, name="乙")
    make_person(unit=world.unit, name="丙（离岗）", is_active=False)
    make_person(unit=other_unit, name="丁")
    session = make_session(world, audience_units=[world.unit, other_unit])
    services.record_attendance(actor=world.office, session=session,
                               entries=[(world.person, "present", ""), (a, "leave", "")])  # fmt: skip
    earlier = make_session(world, date=datetime.date(2025, 6, 1))
    services.record_attendance(actor=world.office, session=earlier, entries=[(a, "present", "")])
    rows = {
        r.unit.name: r
        for r in coverage(Unit.objects.filter(pk__in=[world.unit.pk, other_unit.pk]), year=2026)
    }
    mine = rows["江头街道办事处"]
    # 李学员 present in 2026; 甲 only on leave in 2026 (present in 2025 does not count for 2026); 乙 never
    assert (mine.people, mine.trained, [p.name for p in mine.untrained], mine.sessions) == (
        3,
        1,
        ["乙", "甲"],
        1,
    )
    assert mine.rate == pytest.approx(1 / 3)
    assert (rows["区城管局"].trained, rows["区城管局"].rate) == (0, 0.0)
    assert coverage(Unit.objects.filter(pk=world.unit.pk), year=2025)[0].trained == 1


def test_material_upload_checks_type_and_size(world, settings):
    session = make_session(world)
    material = services.upload_material(actor=world.office, session=session, title="",
                                        upload=SimpleUploadedFile("测评体系解读.pdf", b"%PDF-1.4 demo"))  # fmt: skip
    assert (material.title, material.original_name, material.size) == (
        "测评体系解读.pdf",
        "测评体系解读.pdf",
        13,
    )
    assert material.file.name.startswith("training/") and material.file.name.endswith(".pdf")
    assert "测评" not in material.file.name
    with pytest.raises(services.SurveyError) as exc:
        services.upload_material(actor=world.office, session=session, title="x",
                                 upload=SimpleUploadedFile("run.exe", b"MZ"))  # fmt: skip
    assert exc.value.messages[0].startswith("不支持的文件类型")
    settings.TRAINING_MATERIAL_MAX_BYTES = 10
    with pytest.raises(services.SurveyError) as exc:
        services.upload_material(actor=world.office, session=session, title="x",
                                 upload=SimpleUploadedFile("big.pdf", b"x" * 11))  # fmt: skip
    assert exc.value.messages == ["文件过大（上限 0 MB）。"]
    assert TrainingMaterial.objects.count() == 1


QUIZ = """核心价值观国家层面？
* 富强、民主、文明、和谐
自由、平等、公正、法治

公共文明通用项（多选）
* 无随地吐痰
* 无乱扔垃圾
路灯亮灯率
"""


def test_quiz_text_parses_and_scores(world):
    session = make_session(world)
    questions = services.parse_quiz_text(QUIZ)
    assert [(q["text"], q["correct"]) for q in questions] == [
        ("核心价值观国家层面？", [0]),
        ("公共文明通用项（多选）", [0, 1]),
    ]
    quiz = services.save_quiz(actor=world.office, session=session, title="测验", questions=questions)
    assert services.quiz_text(quiz) == QUIZ.strip()
    first, second = quiz.questions.order_by("order")
    services.record_attendance(actor=world.office, session=session, entries=[(world.person, "present", "")])
    # half right: the multiple-choice question needs both correct options
    attempt = services.submit_quiz(
        actor=world.unit_user, quiz=quiz, answers={first.pk: ["0"], second.pk: ["0"]}
    )
    assert (attempt.score, attempt.passed) == (Decimal("50.0"), False)
    best = services.submit_quiz(
        actor=world.unit_user, quiz=quiz, answers={first.pk: ["0"], second.pk: ["1", "0"]}
    )
    assert (best.score, best.passed) == (Decimal("100.0"), True)
    services.submit_quiz(actor=world.unit_user, quiz=quiz, answers={first.pk: ["1"], second.pk: ["2"]})
    assert Attendance.objects.get(person=world.person).quiz_score == Decimal("100.0")  # the best score stays
    assert QuizAttempt.objects.count() == 3


def test_quiz_rules(world):
    session = make_session(world)
    with pytest.raises(services.SurveyError) as exc:
        services.parse_quiz_text("题目？\n甲\n乙")
    assert exc.value.messages == ["第 1 题没有标记正确选项（在选项前加 *）。"]
    quiz = services.save_quiz(
        actor=world.office, session=session, title="测验", questions=services.parse_quiz_text(QUIZ)
    )
    first, second = quiz.questions.order_by("order")
    with pytest.raises(PermissionDenied):  # no person record: cannot take a quiz
        services.submit_quiz(actor=world.office, quiz=quiz, answers={first.pk: ["0"], second.pk: ["0"]})
    with pytest.raises(services.SurveyError) as exc:
        services.submit_quiz(actor=world.unit_user, quiz=quiz, answers={first.pk: ["0"]})
    assert exc.value.messages == ["还有 1 道题未作答。"]
    client_id = "6f1b8a2e-5a8c-4b1e-9d0e-2c4d5e6f7a8b"
    one = services.submit_quiz(actor=world.unit_user, quiz=quiz, answers={first.pk: ["0"], second.pk: ["0"]},
                               client_id=client_id)  # fmt: skip
    again = services.submit_quiz(actor=world.unit_user, quiz=quiz, answers={first.pk: ["0"], second.pk: ["0"]},
                                 client_id=client_id)  # fmt: skip
    assert one.pk == again.pk
    with pytest.raises(services.SurveyError) as exc:  # answered: the questions are frozen
        services.save_quiz(actor=world.office, session=session, title="测验", quiz=quiz,
                           questions=services.parse_quiz_text("新题？\n* 对\n错"))  # fmt: skip
    assert exc.value.code == "locked"
    assert quiz.questions.count() == 2


def test_session_outside_scope_hides_its_quiz(world):
    session = make_session(world, audience_units=[make_unit()])
    quiz = services.save_quiz(
        actor=world.office, session=session, title="测验", questions=services.parse_quiz_text(QUIZ)
    )
    with pytest.raises(services.NotFound):
        services.submit_quiz(actor=world.unit_user, quiz=quiz, answers={})


# --- examples -----------------------------------------------------------------------------------------------


def test_example_with_photos_is_cleaned(world):
    point_type = make_point_type(name="农贸市场")
    example = make_example(world, point_type=point_type, photos=[jpeg(), jpeg("b.jpg")])
    photos = list(example.photos.order_by("pk"))
    assert len(photos) == 2
    assert photos[0].image.name.startswith("photos/surveys/") and photos[0].thumbnail.name.endswith("_t.jpg")
    assert photos[0].sha256 and photos[0].width == 640
    with pytest.raises(services.SurveyError) as exc:
        services.add_example_photos(actor=world.office, example=example,
                                    uploads=[SimpleUploadedFile("x.jpg", b"not an image")])  # fmt: skip
    assert exc.value.code == "photo"
    assert ExamplePhoto.objects.count() == 2
    services.delete_example_photo(actor=world.office, photo=photos[0])
    assert example.photos.count() == 1


def test_example_criterion_must_apply_to_the_point_type(world):
    market, street = make_point_type(name="农贸市场"), make_point_type(name="背街小巷")
    _standard, criteria = make_standard([street])
    with pytest.raises(services.SurveyError) as exc:
        make_example(world, point_type=market, criterion=criteria["compliance"])
    assert exc.value.messages == [f"测评标准「{criteria['compliance'].code}」不适用于点位类型「农贸市场」。"]
    # a criterion of the common civility block applies to the types of the block
    criteria["block"].block.point_types.add(market)
    assert make_example(world, point_type=market, criterion=criteria["block"]).criterion == criteria["block"]
    with pytest.raises(services.SurveyError):
        make_example(world, point_type=market, point=make_point(point_type=street))
    assert Example.objects.count() == 1


def test_drafts_are_for_the_office(world):
    example = make_example(world, is_published=False)
    assert list(Example.objects.restrict(world.office)) == [example]
    assert list(Example.objects.restrict(world.unit_user)) == []


def render_tag(user, criterion, point_type=None, queries=None):
    request = RequestFactory().get("/")
    request.user = user
    template = Template(
        "{% load surveys_examples %}{% examples_for_criterion c t %}{% examples_for_criterion c t %}"
    )
    return template.render(Context({"request": request, "c": criterion, "t": point_type}))


def test_examples_for_criterion_tag(world, django_assert_num_queries):
    street = make_point_type(name="背街小巷")
    other = make_point_type(name="公园")
    _standard, criteria = make_standard([street, other])
    right = make_example(
        world, point_type=street, criterion=criteria["abc"], title="路面干净", photos=[jpeg()]
    )
    make_example(world, point_type=street, criterion=criteria["abc"], kind="wrong", title="垃圾堆积")
    make_example(world, point_type=other, criterion=criteria["abc"], title="公园路面")
    user = make_user("unit_handler", unit=world.unit)
    with django_assert_num_queries(4):  # user scope (2), examples, photos — once for both tags
        html = render_tag(user, criteria["abc"], street)
    links = [e.get_absolute_url() for e in Example.objects.order_by("pk")]
    assert [html.count(f'href="{url}"') for url in links] == [2, 2, 0]  # 公园路面 is of another point type
    assert html.index(links[0]) < html.index(links[1])  # right practice first
    assert "示例照片" not in html and f'alt="{right.title}"' in html
    assert render_tag(user, criteria["compliance"]).strip() == ""
