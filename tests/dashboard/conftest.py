from tests.bulletins.conftest import ds, files  # noqa: F401  (the same known month)
