"""The `kubot` command's first step: answer `kubot say` through a running kubot when one is there.

Everything else (and `kubot say` when no kubot runs for these settings) goes to `kubot.cli`.
"""

from __future__ import annotations

import gc
import sys
import uuid

from kubot import say_link
from kubot.settings import Settings


def _through_running_kubot(argv: list[str]) -> say_link.Answer | list[str]:
    """The answer of the kubot running for these settings, or the arguments to answer with here."""
    try:
        settings = Settings.from_env()
    except (KeyError, ValueError):
        return argv  # kubot.cli explains what is wrong with the setting
    if settings.say_idle_seconds <= 0:
        return argv
    # An id for the message: sent again after a lost answer, it is answered from the database, not stored twice.
    sent = [*argv, "--message-id", uuid.uuid4().hex]
    try:
        return say_link.ask(say_link.socket_path(settings), sent) or argv
    except say_link.Lost:
        return sent


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["say"]:
        answered = _through_running_kubot(argv)
        if isinstance(answered, say_link.Answer):
            sys.stdout.write(answered.out)
            sys.stderr.write(answered.err)
            return answered.code
        argv = answered
    # Importing kubot creates some hundred thousand objects and frees none; collecting while it
    # imports only scans them again and again, and so does the collection at exit.
    gc.disable()
    from kubot import cli

    gc.freeze()
    gc.enable()
    return cli.main(argv)
