"""Server settings, from ``PIVAULT_…`` environment variables (pydantic-settings).

variable                       meaning                                 default
=============================  ======================================  ==========================
``PIVAULT_VAULT_URL``          the store URL                           ``sqlite:///pivault.db``
``PIVAULT_MASTER_KEY_FILE``    the master key file                     ``~/.config/pivault/…``
``PIVAULT_POLICY_FILE``        the policy file                         the bundled policy
``PIVAULT_MAX_BODY_BYTES``     largest request body accepted           10 MB (10485760)
``PIVAULT_PUBLIC_URL``         the server's public base URL, for links  the request's own URL
``PIVAULT_AUDIT_WITNESS_DIR``  checkpoints' copy outside the database  ``~/.local/state/…``
``PIVAULT_AUDIT_WITNESSES``    external witnesses (JSON url/key list)  none
``PIVAULT_AUDIT_SEQUENCE_S``   seconds between sequencer rounds        0.25
``PIVAULT_AUDIT_CHECKPOINT_S`` seconds between published checkpoints   10
``PIVAULT_RETENTION_INTERVAL_S`` seconds between retention purges     3600
=============================  ======================================  ==========================
=======
=================================  ======================================  =========================
variable                           meaning                                 default
=================================  ======================================  =========================
``PIVAULT_VAULT_URL``              the store URL                           ``sqlite:///pivault.db``
``PIVAULT_MASTER_KEY_FILE``        the master key file                     ``~/.config/pivault/…``
``PIVAULT_POLICY_FILE``            the policy file                         the bundled policy
``PIVAULT_MAX_BODY_BYTES``         largest request body accepted           10 MB (10485760)
``PIVAULT_MAX_EVENTS_BODY_BYTES``  largest event batch (POST /v1/events)   32 MB (33554432)
``PIVAULT_PUBLIC_URL``             the server's public base URL, for links  the request's own URL
``PIVAULT_AUDIT_WITNESS_DIR``      checkpoints' copy outside the database  ``~/.local/state/…``
``PIVAULT_AUDIT_WITNESSES``        external witnesses (JSON url/key list)  none
``PIVAULT_AUDIT_SEQUENCE_S``       seconds between sequencer rounds        0.25
``PIVAULT_AUDIT_CHECKPOINT_S``     seconds between published checkpoints   10
``PIVAULT_RETENTION_INTERVAL_S``   seconds between retention purges        3600
=================================  ======================================  =========================
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
#: 10,000 events of a few hundred bytes each, with room to spare.
DEFAULT_MAX_EVENTS_BODY_BYTES = 32 * 1024 * 1024


class HttpSettings(BaseSettings):
    """Everything the server needs to open the vault and answer requests."""

    model_config = SettingsConfigDict(env_prefix="PIVAULT_", extra="ignore")

    vault_url: str = "sqlite:///pivault.db"
    master_key_file: Path | None = None
    policy_file: Path | None = None
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, ge=1024)
    #: ``POST /v1/events`` (up to 10,000 events) has its own limit.
    max_events_body_bytes: int = Field(default=DEFAULT_MAX_EVENTS_BODY_BYTES, ge=1024)
    public_url: str | None = None
    audit_witness_dir: str = "default"
    #: External C2SP tlog-witness servers: a JSON list of {"url": …, "key": …}.
    audit_witnesses: str = ""
    #: How often the sequencer integrates pending audit entries, and publishes checkpoints.
    audit_sequence_s: float = Field(default=0.25, gt=0, le=60)
    audit_checkpoint_s: float = Field(default=10.0, gt=0, le=3600)
    #: How often the retention purge runs (one worker at a time, claimed through the store).
    retention_interval_s: float = Field(default=3600.0, gt=0, le=7 * 24 * 3600)

    def base_url(self, fallback: str) -> str:
        """Where people reach this server (``PIVAULT_PUBLIC_URL``, else ``fallback``)."""
        return (self.public_url or fallback).rstrip("/")
