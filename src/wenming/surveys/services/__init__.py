"""Writes of the surveys app. Every function is `verb_noun(*, actor, …)`, runs in one transaction and returns
what it changed; `actor=None` is the system (demo, commands). Refusals raise `SurveyError` (a ValidationError
with a Chinese message and a `code`), `PermissionDenied` (wrong role) or `NotFound` (outside the actor's
scope: 404), and write nothing.
"""

from wenming.surveys.services.common import NotFound, SurveyError
from wenming.surveys.services.examples import (
    add_example_photos,
    create_example,
    criterion_applies,
    delete_example,
    delete_example_photo,
    update_example,
)
from wenming.surveys.services.questionnaires import (
    add_question,
    copy_questionnaire,
    create_questionnaire,
    delete_question,
    is_locked,
    move_question,
    update_question,
    update_questionnaire,
)
from wenming.surveys.services.responses import (
    Submission,
    SubmitResult,
    WaveContext,
    check_submission,
    keyed_hash,
    parse_submission,
    record_responses,
    submit_response,
)
from wenming.surveys.services.training import (
    create_session,
    delete_material,
    delete_session,
    parse_quiz_text,
    quiz_text,
    record_attendance,
    save_quiz,
    submit_quiz,
    update_session,
    upload_material,
)
from wenming.surveys.services.waves import (
    Design,
    close_wave,
    create_wave,
    design_summary,
    open_wave,
    plan_targets,
    update_wave,
)

__all__ = [
    "Design",
    "NotFound",
    "Submission",
    "SubmitResult",
    "SurveyError",
    "WaveContext",
    "add_example_photos",
    "add_question",
    "check_submission",
    "close_wave",
    "copy_questionnaire",
    "create_example",
    "create_questionnaire",
    "create_session",
    "create_wave",
    "criterion_applies",
    "delete_example",
    "delete_example_photo",
    "delete_material",
    "delete_question",
    "delete_session",
    "design_summary",
    "is_locked",
    "keyed_hash",
    "move_question",
    "open_wave",
    "parse_quiz_text",
    "parse_submission",
    "plan_targets",
    "quiz_text",
    "record_attendance",
    "record_responses",
    "save_quiz",
    "submit_quiz",
    "submit_response",
    "update_example",
    "update_question",
    "update_questionnaire",
    "update_session",
    "update_wave",
    "upload_material",
]
