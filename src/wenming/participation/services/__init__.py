"""Writes for citizen participation. Every function is `verb_noun(*, actor, …)` (the report first where there is
one), runs in one transaction and returns what it changed; refusals are `ValidationError`s (or `RateLimited`)
with Chinese messages and change nothing. `at=` (default now) lets the demo replay history.

* `submit_report` — a citizen's report from the public site or Open311: checked, rate-limited, photos cleaned
  (EXIF position read as a hint, then stripped), classified, located, routing previewed; lands in triage.
* triage (office): `accept_report` (→ a case through `cases.services.create_case`, registered and dispatched
  by the usual routing), `merge_report` (joins an existing case), `reject_report` (reason the citizen sees),
  `mark_spam`, and moderation: `moderate_report`, `redact_photo`.
* the citizen's follow-up, with the tracking code: `add_support` ("me too"), `confirm_fix`, `dispute_fix`
  (reopens the case through the cases workflow — the unit's clock restarts), `rate_satisfaction` (the case's
  回访 satisfaction, which the case KPIs read).
* Open311 clients: `issue_client`, `revoke_client`, `authenticate_client`; the classifier: `retrain_classifier`.

The cases workflow needs an actor with a role for the citizen's own actions (dispute → reopen, rating →
record_satisfaction, confirmation → comment): that actor is the system account `portal_actor()`
("公众参与平台", no usable password, the `portal` role that the workflow lets reopen and rate), so
the case timeline says where the action came from.
"""

from wenming.participation.services.clients import (  # noqa: F401
    KEY_PREFIX,
    authenticate_client,
    hash_key,
    issue_client,
    retrain_classifier,
    revoke_client,
    save_lexicon,
)
from wenming.participation.services.common import (  # noqa: F401
    MAX_DESCRIPTION,
    POINTS,
    PORTAL_USERNAME,
    dispute_days,
    max_disputes,
    max_photos,
    portal_actor,
)
from wenming.participation.services.followup import (  # noqa: F401
    add_support,
    already_done,
    confirm_fix,
    dispute_fix,
    rate_satisfaction,
)
from wenming.participation.services.submitting import (  # noqa: F401
    locate,
    preview_routing,
    submit_report,
)
from wenming.participation.services.triage import (  # noqa: F401
    accept_report,
    award_points,
    mark_spam,
    merge_report,
    moderate_report,
    redact_photo,
    reject_report,
)

__all__ = [
    "KEY_PREFIX",
    "MAX_DESCRIPTION",
    "POINTS",
    "PORTAL_USERNAME",
    "accept_report",
    "add_support",
    "already_done",
    "authenticate_client",
    "award_points",
    "confirm_fix",
    "dispute_days",
    "dispute_fix",
    "hash_key",
    "issue_client",
    "locate",
    "mark_spam",
    "max_disputes",
    "max_photos",
    "merge_report",
    "moderate_report",
    "portal_actor",
    "preview_routing",
    "rate_satisfaction",
    "redact_photo",
    "reject_report",
    "retrain_classifier",
    "revoke_client",
    "save_lexicon",
    "submit_report",
]
