"""Run `kubot ARGS…` and SIGKILL it right after its Nth SQL statement: a crash at an exact point.

    python tests/reliability/killpoint.py N ARGS…

N = 0 runs to the end and prints the number of statements on stderr, so a test can spread its
kills over the whole run. The kill comes from the test harness; kubot itself has no kill switch.
"""

from __future__ import annotations

import os
import signal
import sys

from sqlalchemy import Engine, event


def main() -> int:
    kill_after = int(sys.argv[1])
    count = 0

    @event.listens_for(Engine, "after_cursor_execute")
    def _maybe_die(*_: object) -> None:
        nonlocal count
        count += 1
        if count == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    from kubot.cli import main as kubot

    code = kubot(sys.argv[2:])
    if kill_after == 0:
        print(f"statements={count}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
