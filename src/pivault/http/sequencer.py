"""The server's background work: integrate pending audit entries, publish checkpoints, run
the scheduled retention purge.

Every worker runs this loop; the store elects one sequencer at a time (see
:func:`pivault.store.audit_store.elect_sequencer`), so several workers never
integrate the same entries. Work runs in a thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.concurrency import run_in_threadpool

from pivault.core.errors import PivaultError
from pivault.http.settings import HttpSettings
from pivault.service.vault import Vault

log = logging.getLogger("pivault.http")


async def run_sequencer(vault: Vault, settings: HttpSettings) -> None:
    """Integrate every ``audit_sequence_s``; publish a checkpoint at least every
    ``audit_checkpoint_s`` while entries arrive; purge expired data every
    ``retention_interval_s`` (one worker of all). Runs until cancelled."""
    last_published = 0.0
    while True:
        try:
            await run_in_threadpool(vault.audit.integrate)
            now = time.monotonic()
            published = await run_in_threadpool(
                vault.audit.publish_if_due, settings.audit_checkpoint_s, now, last_published
            )
            if published:
                last_published = now
            purged = await run_in_threadpool(vault.purge_if_due, settings.retention_interval_s)
            if purged:
                log.info("retention purge: %s", ", ".join(f"{k} {n}" for k, n in purged.items()))
        except (PivaultError, OSError) as exc:  # keep serving; the next round tries again
            log.warning("audit sequencer: %s: %s", type(exc).__name__, exc)
        except Exception as exc:  # a store error from SQLAlchemy, say
            log.warning("audit sequencer: %s", type(exc).__name__)
        await asyncio.sleep(settings.audit_sequence_s)
