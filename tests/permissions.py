"""The permission matrix, written once (house-style rule 17): for a URL, who gets what status.

    assert_matrix(client, url, {"anonymous": 302, office: 200, unit_out_of_scope: 404, unit_in_scope: 200})

Keys are "anonymous" or a User; values are the expected HTTP status. For API URLs anonymous is 401/403;
`assert_api_matrix` does the same for endpoints with token (default) or session authentication:

    assert_api_matrix(client, "/api/v1/users/", {"anonymous": 401, office: 403, admin: 200})
"""

from collections.abc import Mapping


def assert_matrix(client, url: str, expected: Mapping, method: str = "get", data=None) -> None:
    failures = []
    for who, status in expected.items():
        client.logout()
        if who != "anonymous":
            client.force_login(who)
        response = (
            getattr(client, method)(url, data=data) if data is not None else getattr(client, method)(url)
        )
        if response.status_code != status:
            failures.append(f"{who}: expected {status}, got {response.status_code}")
    client.logout()
    assert not failures, f"{method.upper()} {url}: " + "; ".join(failures)


def assert_api_matrix(
    client, url: str, expected: Mapping, method: str = "get", data=None, auth: str = "token"
) -> None:
    """The same matrix for API endpoints. `auth="token"` signs each user in with an API token
    (`Authorization: Token …`), `auth="session"` with a session cookie. Anonymous gets 401 with token
    auth configured first. Data, when given, is sent as JSON (for GET: as query parameters).
    """
    from rest_framework.authtoken.models import Token

    failures = []
    for who, status in expected.items():
        client.logout()
        headers = {}
        if who != "anonymous":
            if auth == "token":
                headers["Authorization"] = f"Token {Token.objects.get_or_create(user=who)[0].key}"
            else:
                client.force_login(who)
        call = getattr(client, method)
        if data is None:
            response = call(url, headers=headers)
        elif method == "get":
            response = call(url, data=data, headers=headers)
        else:
            response = call(url, data=data, content_type="application/json", headers=headers)
        if response.status_code != status:
            failures.append(f"{who}: expected {status}, got {response.status_code}")
    client.logout()
    assert not failures, f"{method.upper()} {url} ({auth}): " + "; ".join(failures)
