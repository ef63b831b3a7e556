# The two-node test starts its servers on a throwaway copy of the test database, like the kill tests do.
from tests.durability.test_kill import server_env  # noqa: F401
