"""A burst of acknowledged requests larger than the workers take: every acknowledgement comes at once, the ledger
holds the rest, and each request is handled once, oldest first."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from kubot.adapters.handoff import Handoff
from kubot.adapters.inbound import InboundQueue
from kubot.models import Inbound


def test_a_burst_beyond_the_workers_room_is_acknowledged_at_once_and_every_request_handled_once_in_order(
    engine: Engine,
) -> None:
    inbound = InboundQueue(engine, "slack", timedelta(minutes=5))
    handled: list[str] = []
    busy = threading.Event()

    def handle(number: int, request: dict[str, Any]) -> None:
        busy.wait(timeout=30)  # the workers are busy until the whole burst is acknowledged
        handled.append(request["text"])
        inbound.finish(number)

    handoff = Handoff(inbound, handle, workers=1, name="test-handoff", room=3)
    acknowledged: list[bool] = []

    def burst() -> None:
        acknowledged.extend(handoff.accept(f"m{n}", {"text": f"nr {n}"}) for n in range(20))

    sender = threading.Thread(target=burst)
    sender.start()
    sender.join(timeout=20)
    assert not sender.is_alive(), "an acknowledgement waited for the busy workers"
    assert acknowledged == [True] * 20
    assert handoff.accept("m3", {"text": "nr 3 again"}) is False  # a retry is known, and not handled again

    busy.set()
    deadline = time.monotonic() + 30
    while len(handled) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    handoff.close()
    assert handled == [f"nr {n}" for n in range(20)]
    with Session(engine) as session:
        waiting = session.exec(select(Inbound.id).where(col(Inbound.payload).is_not(None))).all()
    assert waiting == []
