"""Configuration from the environment, with defaults that run on a fresh machine."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("GOVERN_DATABASE_URL") or f"sqlite:///{instance_path / 'govern.sqlite3'}"
    return normalize_database_url(url)


def normalize_database_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use psycopg 3 for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(instance_path: Path) -> str:
    """GOVERN_SECRET_KEY, or a key generated once and kept in instance/secret_key."""
    key = os.environ.get("GOVERN_SECRET_KEY")
    if key:
        return key
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _optional_int(text: str | None) -> int | None:
    return int(text) if text not in (None, "") else None


def from_environment(instance_path: Path) -> dict:
    instance_path.mkdir(parents=True, exist_ok=True)
    return {
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SECRET_KEY": _secret_key(instance_path),
        # Unset: each kind's min_voting_days.* applies; set (tests, demos): it replaces them all.
        "GOVERN_MIN_VOTING_SECONDS": _optional_int(os.environ.get("GOVERN_MIN_VOTING_SECONDS")),
        "GOVERN_RUN_SCHEDULER": os.environ.get("GOVERN_RUN_SCHEDULER", "0") == "1",
        "GOVERN_TOKEN_TTL_SECONDS": int(os.environ.get("GOVERN_TOKEN_TTL_SECONDS", 30 * 86400)),
        "GOVERN_LOGIN_LIMIT": os.environ.get("GOVERN_LOGIN_LIMIT", "5 per 5 minutes"),
        "GOVERN_JOIN_LIMIT": os.environ.get("GOVERN_JOIN_LIMIT", "20 per hour"),
        "GOVERN_MONEY_LIMIT": os.environ.get("GOVERN_MONEY_LIMIT", "30 per minute; 500 per day"),
        # Mail: through this SMTP server, or (unset) written to instance/outbox/ for the board's outbox page.
        "GOVERN_SMTP_URL": os.environ.get("GOVERN_SMTP_URL", ""),
        "GOVERN_MAIL_FROM": os.environ.get("GOVERN_MAIL_FROM", "Conductor <conductor@localhost>"),
        "GOVERN_OUTBOX_DIR": os.environ.get("GOVERN_OUTBOX_DIR", str(instance_path / "outbox")),
        # The site's address, for links in mails.
        "GOVERN_BASE_URL": os.environ.get("GOVERN_BASE_URL", "http://127.0.0.1:5000"),
        "RATELIMIT_STORAGE_URI": os.environ.get("GOVERN_RATELIMIT_STORAGE_URL", "memory://"),
        # Several sites sharing one Redis keep their counts apart with a prefix each.
        "RATELIMIT_KEY_PREFIX": os.environ.get("GOVERN_RATELIMIT_KEY_PREFIX", ""),
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAX_CONTENT_LENGTH": int(os.environ.get("GOVERN_MAX_CONTENT_LENGTH", 1024 * 1024)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("GOVERN_SECURE_COOKIES", "0") == "1",
        "GOVERN_TRUSTED_PROXIES": int(os.environ.get("GOVERN_TRUSTED_PROXIES", 0)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }
