"""Small helpers for API tests: auth headers and reading validation errors."""

from app.auth import create_access_token
from app.db import make_engine, open_session


def access_token(*, user, settings) -> str:
    """A bearer token for `user`, minted directly (no password round trip) with its sign-in row committed."""
    engine = make_engine(settings.DATABASE_URL)
    try:
        with open_session(engine, write=True) as session:
            token = create_access_token(session=session, user=user, settings=settings, user_agent="pytest")
            session.commit()
    finally:
        engine.dispose()
    return token


def auth(app, user) -> dict[str, str]:
    """Bearer headers for `user`."""
    return {"Authorization": f"Bearer {access_token(user=user, settings=app.state.settings)}"}


def error_fields(response) -> set[str]:
    """The field names a 422 response points at."""
    return {str(error["loc"][-1]) for error in response.json()["detail"]}
