"""Demo step: the shipped default evaluation standard (point types, criteria, problem categories).

The special groups exist before this step, so the standard's categories link to them as it loads;
`link_category_groups()` is called again for a database where the standard was loaded first.
"""

from wenming.demo.context import DemoContext
from wenming.standards.services import link_category_groups, load_default_standard


def load_standard(ctx: DemoContext) -> None:
    ctx.extra["standard"] = load_default_standard(actor=ctx.actor, activate=True)
    link_category_groups()
