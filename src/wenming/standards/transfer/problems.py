"""What an import reports: every problem, each located by sheet, row and column."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class ImportProblem:
    """One problem in an uploaded standard file. `row` is the spreadsheet row (1 = header) or, in YAML, the
    1-based position in the section (or the line for a syntax error); None for a whole-sheet problem."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.sheet or "文件"
        if self.row is not None:
            where += f" 第 {self.row} 行"
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}"


class StandardImportError(ValidationError):
    """The file was refused; nothing was changed. `problems` lists every problem found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__([str(p) for p in self.problems] or ["导入失败。"])
