"""Administrators take away and give back a person's access from the chat, without a new plan import."""

from __future__ import annotations

from sqlmodel import select

from kubot import journal
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.models import Staff
from kubot.models.plan import Role
from kubot.port import Reply


def person_named(ctx: Context, name: str) -> Staff:
    """The person in the plan with that name (or the one whose name contains it); Usage when none or several."""
    wanted = " ".join(name.split()).casefold()
    if not wanted:
        raise Usage("Skriv personens namn som det står i planen.")
    people = ctx.session.exec(select(Staff)).all()
    exact = [p for p in people if p.name.casefold() == wanted]
    close = exact or [p for p in people if wanted in p.name.casefold()]
    if len(close) == 1:
        return close[0]
    if close:
        raise Usage(
            f"Flera personer passar in på ”{name[:40]}”: {', '.join(p.name for p in close[:5])}. Skriv hela namnet."
        )
    raise Usage(f"Det finns ingen ”{name[:40]}” i planen.")


def _set_access(ctx: Context, person: Staff, active: bool) -> Reply:
    person.active = active
    ctx.session.add(person)
    what = (
        "har tillgång till kubot igen"
        if active
        else "har inte längre tillgång till kubot; det hen registrerat finns kvar"
    )
    recorded = journal.record(
        ctx.session,
        kind=journal.ACCESS_KIND,
        summary=f"{person.name} {what}",
        origin=ctx.origin,
        rows=[],
        detail={"staff": person.name, "active": active},
    )
    undo = f"inaktivera {person.name}" if active else f"aktivera {person.name}"
    return Reply(f"Registrerat #{recorded.entry.id}: {person.name} {what}.\nÅngra med: {undo}", accepted=True)


@command("inaktivera", "deactivate", role=Role.ADMIN, scope=Scope.ANY_AREA)
def deactivate(ctx: Context, args: str) -> Reply:
    """Ta bort en persons tillgång till kubot direkt (administratörer); det personen registrerat finns kvar.
    Exempel: inaktivera Liselotte Karlsson
    Exempel: inaktivera Mattias Vejklint
    """
    person = person_named(ctx, args)
    if person.id == ctx.actor.id:
        raise Usage("Du kan inte ta bort din egen tillgång; be en annan administratör.")
    if not person.active:
        raise Usage(f"{person.name} har redan ingen tillgång. Ge tillbaka den med: aktivera {person.name}")
    return _set_access(ctx, person, active=False)


@command("aktivera", "activate", role=Role.ADMIN, scope=Scope.ANY_AREA)
def activate(ctx: Context, args: str) -> Reply:
    """Ge en person tillgång till kubot igen (administratörer).
    Exempel: aktivera Liselotte Karlsson
    """
    person = person_named(ctx, args)
    if person.active:
        raise Usage(f"{person.name} har redan tillgång.")
    return _set_access(ctx, person, active=True)


@command("kontroll", "check", role=Role.ADMIN, scope=Scope.READ)
def checkup(ctx: Context, args: str) -> Reply:
    """Kontrollera inställningarna (administratörer): databasen, planen, Slack, Teams, vem som nås och rapportkatalogen.
    Exempel: kontroll
    """
    from kubot import check  # its network clients are for this command only: every other message starts without them

    findings = check.run(ctx.settings, ctx.session.get_bind(), today=ctx.today)  # type: ignore[arg-type]
    return Reply(check.render(findings))
