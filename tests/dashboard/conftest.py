from tests.bulletins.conftest import _fresh_calendar_cache, ds, files  # noqa: F401  (the same known month)
