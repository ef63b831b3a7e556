"""Main list pages and list endpoints: the number of SQL queries does not grow with the number of rows.

Measured with the generated district (demo.generate) at 30 and then 150 cases, for each role's generated
account: one request per page after a warm-up, queries counted with CaptureQueriesContext.
"""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wenming.accounts.models import User
from wenming.demo.bench import ROLES, pages
from wenming.demo.generate import generate


def _counts() -> dict:
    out = {}
    for role in ROLES:
        client = Client()
        client.force_login(User.objects.get(username=f"gen-{role}"))
        for name, url, roles in pages({"case": 0}):
            if role not in roles or name == "cases.detail":
                continue
            headers = {"HTTP_HX_REQUEST": "true"} if name.endswith(".htmx") else {}
            client.get(url, **headers)  # warm-up: per-process caches (calendar, translations, menu)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, **headers)
            assert response.status_code == 200, (role, url, response.status_code)
            out[f"{name}|{role}"] = (len(captured.captured_queries), _rows(name, response))
    return out


def _rows(name: str, response) -> int:
    """Rows the page shows (an empty page renders its empty state instead of the table: not compared)."""
    if name.startswith("api."):
        return len(response.json()["results"])
    return response.content.decode().count("<tr") - 1


def test_queries_per_page_do_not_grow_with_rows(db):
    generate(cases=30, years=1, seed=3, log=lambda m: None)
    few = _counts()
    generate(cases=120, years=1, seed=4, force=True, log=lambda m: None)
    many = _counts()
    compared = {key for key, (_q, rows) in few.items() if rows > 0 or key.startswith("home|")}
    grown = {key: (few[key], many[key]) for key in compared if many[key][0] != few[key][0]}
    assert not grown, grown
    # most pages had rows already at the small size (an empty list is not compared: its empty state differs)
    assert len(compared) >= 0.7 * len(few), sorted(set(few) - compared)
    assert sum(many[key][1] > few[key][1] for key in compared) >= 10  # and more rows at the second size
