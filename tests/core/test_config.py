"""Settings: safe defaults, refused secrets, `.env` files."""

import pytest
from pydantic import ValidationError

from app.config import DEVELOPMENT_SECRET_KEY, Settings


def test_default_secret_only_in_development(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None)
    dev = Settings(_env_file=None, ENVIRONMENT="development")
    assert dev.SECRET_KEY == DEVELOPMENT_SECRET_KEY
    assert dev.DATABASE_URL == "sqlite:///council.db"
    assert dev.cookie_secure is False


def test_short_secret_is_refused():
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(_env_file=None, SECRET_KEY="short")


def test_production_cookies_are_secure_by_default():
    settings = Settings(_env_file=None, SECRET_KEY="s" * 40, ENVIRONMENT="production")
    assert settings.cookie_secure is True


def test_dotenv_is_honoured(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "ENVIRONMENT", "SMTP_URL"):
        monkeypatch.delenv(name, raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text(
        "DATABASE_URL=postgresql+psycopg://app@127.0.0.1:5432/council\n"
        f"SECRET_KEY={'k' * 40}\nSMTP_URL=smtp://127.0.0.1:2525\n"
    )
    settings = Settings(_env_file=env_file)
    assert settings.DATABASE_URL.startswith("postgresql+psycopg://")
    assert settings.SMTP_URL == "smtp://127.0.0.1:2525"
    assert settings.is_sqlite is False
