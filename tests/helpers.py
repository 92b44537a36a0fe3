"""Small helpers for API tests: auth headers and reading validation errors."""

from app.auth import create_access_token


def auth(app, user) -> dict[str, str]:
    """Bearer headers for `user`, minted directly (no password round trip)."""
    return {"Authorization": f"Bearer {create_access_token(user=user, settings=app.state.settings)}"}


def error_fields(response) -> set[str]:
    """The field names a 422 response points at."""
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


def etag_of(client, url: str, headers: dict[str, str]) -> str:
    """The ETag a GET of `url` answers: what a versioned write sends back as If-Match."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


def if_match(client, url: str, headers: dict[str, str], *, read: str | None = None) -> dict[str, str]:
    """`headers` plus If-Match with the record's current ETag (read from `read`, by default `url` itself)."""
    return {**headers, "If-Match": etag_of(client, read or url, headers)}
