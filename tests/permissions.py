"""The permission matrix, written once (house-style rule 17): for a URL, who gets what status.

    assert_matrix(client, url, {"anonymous": 302, office: 200, unit_out_of_scope: 404, unit_in_scope: 200})

Keys are "anonymous" or a User; values are the expected HTTP status. For API URLs anonymous is 401/403.
"""

from collections.abc import Mapping


def assert_matrix(client, url: str, expected: Mapping, method: str = "get", data=None) -> None:
    failures = []
    for who, status in expected.items():
        client.logout()
        if who != "anonymous":
            client.force_login(who)
        response = getattr(client, method)(url, data=data) if data is not None else getattr(client, method)(url)
        if response.status_code != status:
            failures.append(f"{who}: expected {status}, got {response.status_code}")
    client.logout()
    assert not failures, f"{method.upper()} {url}: " + "; ".join(failures)
