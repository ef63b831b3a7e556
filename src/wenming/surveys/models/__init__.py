"""Models of the surveys app: questionnaires and waves (问卷调查), training (培训), the example library."""

from wenming.surveys.models.examples import Example, ExamplePhoto
from wenming.surveys.models.survey import Answer, Question, Questionnaire, Response, Stratum, Wave
from wenming.surveys.models.training import (
    Attendance,
    Quiz,
    QuizAttempt,
    QuizQuestion,
    TrainingMaterial,
    TrainingSession,
)

__all__ = [
    "Answer",
    "Attendance",
    "Example",
    "ExamplePhoto",
    "Question",
    "Questionnaire",
    "Quiz",
    "QuizAttempt",
    "QuizQuestion",
    "Response",
    "Stratum",
    "TrainingMaterial",
    "TrainingSession",
    "Wave",
]
