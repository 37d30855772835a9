"""Whether Slack accepts kubot's bot token, as /healthz tells it."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
REJECTED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


class Health:
    """What kubot knows about its Slack token, checked in the background so a start never waits for Slack."""

    def __init__(self) -> None:
        self.problem = ""

    def watch(self, client: WebClient, attempts: int = 30, pause: float = 10.0) -> None:
        def check() -> None:
            for _ in range(attempts):
                try:
                    client.auth_test()
                    self.problem = ""
                    log.info("Slack accepts the bot token")
                    return
                except SlackApiError as exc:
                    error = exc.response.get("error", "")
                    if error in REJECTED:
                        self.problem = (
                            f"Slack avvisar SLACK_BOT_TOKEN ({error}). Kontrollera token under OAuth & Permissions."
                        )
                        log.error(self.problem)
                        return
                    log.warning("Slack answered auth.test with %s; trying again", error)
                except Exception as exc:
                    log.warning(
                        "Slack's Web API cannot be reached (%s); trying again in %.0f s", type(exc).__name__, pause
                    )
                time.sleep(pause)

        threading.Thread(target=check, name="slack-token-check", daemon=True).start()
