"""The demo's ordered steps. Each is a function `(ctx: DemoContext) -> None` that must be idempotent (a
second run with the same seed changes nothing); the runner gives it a fresh rng seeded from (seed, the
function's name) and runs it in its own transaction.

Later capabilities (cases, inspections, citizen reports …) append their own step to STEPS, after the
steps whose objects they use (`ctx.units`, `ctx.areas`, `ctx.points`, `ctx.people` … or the database).
"""

from wenming.demo.accounts import load_accounts
from wenming.demo.bulletins import load_bulletins
from wenming.demo.calendar import load_calendar
from wenming.demo.campaigns import load_campaigns
from wenming.demo.cases import load_cases
from wenming.demo.forecast import load_forecast
from wenming.demo.geography import load_areas
from wenming.demo.inspections import load_inspections
from wenming.demo.organisation import load_duties, load_groups, load_units
from wenming.demo.participation import load_participation
from wenming.demo.planning import load_planning
from wenming.demo.points import load_points
from wenming.demo.rechecks import load_rechecks
from wenming.demo.standard import load_standard
from wenming.demo.surveys import load_surveys

FOUNDATION_STEPS = [
    load_calendar,  # the working-day calendar (statutory holidays and 调休) that deadlines are counted on
    load_units,  # units of every level, street offices and community committees
    load_groups,  # SG01–SG10, before the standard so its categories link to them
    load_standard,  # the default standard: point types, criteria, categories
    load_areas,  # district → streets → communities → grids with synthetic boundaries
    load_points,  # ≈ 490 points over every point type, each with unit, guarantor and named person
    load_duties,  # 定人定岗定责: street, community, grid, guarantor, road chief, point owner, group
    load_accounts,  # the ten demo accounts
]

STEPS = [
    *FOUNDATION_STEPS,
    load_inspections,  # closed and open rounds; every non-compliance opens a case through the cases service
    load_planning,  # today's published day plan from the records' risk: the demo inspector's route
    load_cases,  # three months of cases from the other sources, in every state of the workflow
    load_rechecks,  # 回头看: daily draws of closed cases replayed, results recorded, failures reopened as rebounds
    load_campaigns,  # a running 迎检冲刺 and a finished 专项整治行动, progress computed from cases and inspections
    load_participation,  # citizen reports in every triage state, one Open311 client
    load_surveys,  # survey waves with estimates, a training session, the example library
    load_forecast,  # the cached forecast with its backtest (leader view, big screen, weekly bulletin)
    load_bulletins,  # published weekly and monthly bulletins (Word, Excel, PDF), a draft, an appraisal
]

# `wenming load_demo --part foundation`: registries and accounts only (fast; used by the demo's own tests).
PARTS = {"foundation": FOUNDATION_STEPS, "all": STEPS}
