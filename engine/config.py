"""Settings: the only place that reads config.toml and CREDITFLOW_* variables."""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = PROJECT_DIR / "config.toml"
ENV_PREFIX = "CREDITFLOW_"
# Settings taken from the environment only: a config file is shared and often versioned.
SECRETS = frozenset({"smtp_password", "webhook_secret"})


@dataclass(frozen=True)
class Settings:
    """Every setting of the platform; see config.toml for what each means."""

    database_url: str = ""
    var_dir: Path = PROJECT_DIR / "var"
    timezone: str = "Asia/Shanghai"
    default_area: str = "530500"
    sweep_interval_seconds: int = 30
    sweep_batch_size: int = 200
    timer_lease_seconds: int = 120
    timer_max_attempts: int = 5
    timer_backoff_seconds: int = 30
    sandbox_timeout_seconds: float = 1.0
    sandbox_max_size: int = 1_000_000
    # The worker process that runs diagram code: address space, CPU and wall-clock limits.
    sandbox_memory_mb: int = 512
    sandbox_cpu_seconds: float = 2.0
    sandbox_kill_seconds: float = 3.0
    # Largest serialized state of one instance, in bytes; larger stops it as an incident.
    max_instance_state_bytes: int = 1_048_576
    upload_max_bytes: int = 10 * 1024 * 1024
    registry_upload_max_bytes: int = 100 * 1024 * 1024
    # What an uploaded workbook may unpack to, checked before it is parsed (zip bombs).
    registry_xlsx_max_unpacked_bytes: int = 200 * 1024 * 1024
    registry_xlsx_max_ratio: int = 100
    notice_claim_workdays: int = 7
    notice_escalate_workdays: int = 10
    # Bounds on what a diagram may ask of the engine (timers, loops, rule arguments).
    timer_max_years: int = 10
    timer_min_cycle_seconds: int = 60
    timer_max_cycle_repetitions: int = 1000
    max_loop_cardinality: int = 1000
    max_engine_steps: int = 10000
    max_command_seconds: float = 30.0
    rule_max_years: int = 100
    rule_max_workdays: int = 2500
    host: str = "127.0.0.1"
    port: int = 5000
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host it trusts
    # (0: none; the client's address is then the connection's).
    proxy_hops: int = 0
    log_level: str = "INFO"
    # doctor
    doctor_batch_size: int = 500
    # The public credit portal (/public/): requests one address may make per window,
    # the window, and how long browsers and proxies may keep a page.
    portal_rate_limit: int = 120
    portal_rate_window_seconds: int = 60
    portal_cache_seconds: int = 300

    # The audit chain: its HMAC key (from CREDITFLOW_AUDIT_KEY, never from config.toml;
    # empty: generated into the var folder), how often a checkpoint anchors it outside
    # the database, and where checkpoints are also sent (syslog over UDP, "host:port").
    audit_key: str = field(default="", repr=False)
    audit_checkpoint_every: int = 1
    audit_syslog_address: str = ""

    # Delivery of notifications beyond the in-app list (engine.work.delivery). E-mail goes
    # out when `smtp_host` is set, webhooks when `webhook_url` or a unit's own URL is.
    # The passwords come from CREDITFLOW_SMTP_PASSWORD and CREDITFLOW_WEBHOOK_SECRET only.
    base_url: str = ""  # the web app as users reach it, for links in messages
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # "starttls", "ssl" or "none"
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    mail_from: str = "creditflow@localhost"
    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    delivery_timeout_seconds: float = 10.0
    delivery_max_attempts: int = 6
    delivery_backoff_seconds: int = 60
    delivery_lease_seconds: int = 300

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or SQLite in the var folder."""
        return self.database_url or f"sqlite:///{self.var_dir / 'creditflow.db'}"

    @property
    def upload_dir(self) -> Path:
        return self.var_dir / "uploads"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **_coerce(changes))


def _coerce(values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn raw strings (from the environment) into each field's type."""
    types = {f.name: f.type for f in fields(Settings)}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in types:
            raise ValueError(f"unknown setting {key!r}")
        kind = types[key]
        if kind == "Path":
            out[key] = Path(value)
        elif kind == "int":
            out[key] = int(value)
        elif kind == "float":
            out[key] = float(value)
        else:
            out[key] = str(value)
    return out


def load_settings(
    path: Path | None = None, env: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Read config.toml, then CREDITFLOW_* variables, then explicit overrides."""
    path = path or Path(os.environ.get("CREDITFLOW_CONFIG", DEFAULT_CONFIG_FILE))
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    if path.exists():
        values.update(tomllib.loads(path.read_text(encoding="utf-8")))
    if leaked := sorted(SECRETS.intersection(values)):
        raise ValueError(f"{', '.join(leaked)} must not be written in {path.name}: "
                         f"set {', '.join(ENV_PREFIX + name.upper() for name in leaked)}")
    known = {f.name for f in fields(Settings)}
    for name in known:
        if ENV_PREFIX + name.upper() in env:
            values[name] = env[ENV_PREFIX + name.upper()]
    values.update(overrides)
    settings = Settings(**_coerce(values))
    if not settings.var_dir.is_absolute():
        settings = dataclasses.replace(settings, var_dir=path.parent / settings.var_dir)
    return settings


def as_environment(settings: Settings) -> dict[str, str]:
    """The settings as CREDITFLOW_* variables: a child process started with them (the
    scheduler of `creditflow serve`) loads exactly these, whatever config it would find."""
    return {ENV_PREFIX + f.name.upper(): str(getattr(settings, f.name)) for f in fields(Settings)}


def secret_key(settings: Settings) -> str:
    """The web secret key, generated into the var folder on first use."""
    return generated_secret(settings.var_dir / "secret_key")


def generated_secret(path: Path) -> str:
    """A random key in a file only its owner may read, made on first use.

    The key is written under a name of its own and linked into place, so two
    processes that start together end up with one key, never half a file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()
