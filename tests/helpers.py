"""Small helpers for API tests: auth headers and reading validation errors."""

from app.auth import create_access_token


def auth(app, user) -> dict[str, str]:
    """Bearer headers for `user`, minted directly (no password round trip)."""
    return {"Authorization": f"Bearer {create_access_token(user=user, settings=app.state.settings)}"}


def error_fields(response) -> set[str]:
    """The field names a 422 response points at."""
    return {str(error["loc"][-1]) for error in response.json()["detail"]}
