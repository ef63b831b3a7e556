from tests.fuzz.conftest import fuzz_world  # noqa: F401  (the fuzzers' world, one per module)
