"""When a chart earns its place beside an indicator's table: the one rule every kind's charts ask.

The table already gives the indicator's figure. A chart adds something only when it spreads that figure
over enough parts to compare (at least three bars or rows) and shows every part the indicator covers: a
chart of 3 of the indicator's 19 networks reads as the whole and misleads, and a chart of one network beside
its own total ("Samtliga") repeats a single value. Kinds pass the real parts only, never a computed total.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from kubot.plan.schema import PlanFile

# Fewer bars than this say nothing a table row does not.
MIN_PARTS = 3


def earns_a_chart(shown: Collection[str], covered: Iterable[str]) -> bool:
    """Whether a chart of `shown` (the codes of its networks or municipalities, without a total row) shows more
    than the table: at least `MIN_PARTS` of them, and every one of `covered`, the parts the indicator covers."""
    return len(set(shown)) >= MIN_PARTS and set(covered) <= set(shown)


def invitees(plan: PlanFile, networks: Collection[str]) -> frozenset[str]:
    """The municipalities (and the Region where it takes part) the plan invites to `networks`, or to any network
    when `networks` is empty: the parts a per-municipality chart of an indicator over those networks must show."""
    everyone = frozenset(m.code for m in plan.municipalities if not m.region)
    region = frozenset(m.code for m in plan.municipalities if m.region)
    invited: set[str] = set()
    for network in plan.networks:
        if networks and network.code not in networks:
            continue
        invited |= everyone if network.invited == "alla" else set(network.invited)
        invited |= region if network.region else set()
    return frozenset(invited)
