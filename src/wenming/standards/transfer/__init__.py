"""Import and export of a standard set: the XLSX template and the YAML file (docs/standard-template.md).

One pipeline for both formats: a reader turns the file into raw rows (`readers`), one validator turns raw
rows into a `Plan` or a list of every problem (`validate`), the service writes the plan in one transaction
(`wenming.standards.services`); export builds a `Plan` from the database and writes it (`writers`).
"""

from wenming.standards.transfer.plan import Plan, plan_from_db
from wenming.standards.transfer.problems import ImportProblem, StandardImportError
from wenming.standards.transfer.readers import read_document
from wenming.standards.transfer.validate import Catalogue, validate_document
from wenming.standards.transfer.writers import write_document

__all__ = [
    "Catalogue",
    "ImportProblem",
    "Plan",
    "StandardImportError",
    "plan_from_db",
    "read_document",
    "validate_document",
    "write_document",
]
