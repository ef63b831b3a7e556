from tests.geo.conftest import scene  # noqa: F401 - the same small world for the org pages
