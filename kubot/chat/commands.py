"""The chat commands: every record kind's (`kubot/kinds/<kind>/chat.py`), then those about the journal and help.

Each docstring is the command's help: summary, then working examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlmodel import select

from kubot import access, facts, journal, kinds, records, values
from kubot import formatting as fmt
from kubot.chat import grammar, help_text
from kubot.chat.registry import COMMANDS, Context, Scope, Usage, accepted, command, register, unique_commands
from kubot.models import Area, StaffArea
from kubot.models.plan import Role
from kubot.models.records import TargetChange
from kubot.port import Reply

# The record kinds' commands first, in the registry's order, then the chat package's own.
for _kind in kinds.KINDS:
    for _command in kinds.chat_half(_kind).COMMANDS:
        register(_command)


@command("målvärde", "malvarde", "target", role=Role.ADMIN, scope=Scope.ANY_AREA)
def target(ctx: Context, args: str) -> Reply:
    """Sätt ett mätetals målvärde för ett år (administratörer).
    Exempel: målvärde nojd-medarbetare 50 2022
    """
    given_year, head = grammar.take_year(grammar.tidy(args))
    year = given_year or ctx.today.year
    split = grammar.split_last_value(head)
    if split is None:
        raise Usage("Skriv mätetalets kod, målvärdet och året.")
    name, raw = split
    indicator = records.indicator_in_force(ctx.session, ctx.lexicon(year).indicator(name), year)
    value = float(values.parse_number(raw, allow_negative=True))
    if indicator.unit == "procent" and not 0 <= value <= 100:
        raise Usage(
            f"{fmt.number(value)} % är inte ett möjligt målvärde för en andel – en andel ligger mellan 0 och 100 %."
        )
    if not abs(value) <= records.MAX_AMOUNT:
        raise Usage(f"Målvärdet {fmt.number(value)} är orimligt stort.")
    before = facts.target_for(ctx.session, indicator, year)
    summary = f"Målvärde för {indicator.code} ”{indicator.name}” {year}: {fmt.in_unit(indicator.unit, value)}"
    summary += f" (tidigare {fmt.in_unit(indicator.unit, before)})" if before is not None else " (inget tidigare)"
    recorded = journal.record(ctx.session, kind="målvärde", summary=summary, origin=ctx.origin,
                              rows=[TargetChange(indicator_code=indicator.code, year=year, value=value)])
    return accepted(ctx, recorded)


# --- corrections, questions and housekeeping -----------------------------------------------------

# "ångra" without a number undoes only an entry this fresh; an older one is named and asked about.
UNDO_RECENT = timedelta(minutes=10)


@command("ångra", "angra", "undo", role=Role.STAFF, scope=Scope.OWN_ENTRIES)
def undo(ctx: Context, args: str) -> Reply:
    """Ångra din senaste registrering (om den är gjord nyss), eller en med dess nummer.
    Exempel: ångra
    Exempel: ångra 412
    """
    if args.strip():
        entry = journal.undo(ctx.session, entry_id=grammar.entry_number(args), origin=ctx.origin)
        return Reply(f"Ångrat #{entry.id}: {entry.summary}", accepted=True)
    latest = journal.latest(ctx.session, ctx.actor)
    if latest is None:
        raise journal.JournalError("Du har inget registrerat som går att ångra.")
    if not latest.active:
        return Reply(f"Din senaste registrering, #{latest.id}, är redan {'ångrad' if latest.undone_at else 'rättad'}. "
                     "Vill du ångra en äldre, skriv ”ångra” och dess nummer.", accepted=False)
    if ctx.now - latest.created_at > UNDO_RECENT:
        return Reply(
            f"Din senaste registrering är #{latest.id} från {fmt.timestamp(latest.created_at)}: {latest.summary}. "
            f"Är det den du vill ångra, skriv ”ångra {latest.id}”.",
            accepted=False,
        )
    entry = journal.undo(ctx.session, entry_id=latest.id or 0, origin=ctx.origin)
    return Reply(f"Ångrat #{entry.id}: {entry.summary}", accepted=True)


@command("rätta", "ratta", "correct", role=Role.STAFF, scope=Scope.OWN_ENTRIES)
def correct(ctx: Context, args: str) -> Reply:
    """Rätta en registrering: skriv dess nummer och hela meddelandet som det ska vara. Den gamla ersätts.
    Exempel: rätta 412 närvaro PKS 2022-03-10 11 av 13
    """
    number_text, _, text = args.strip().partition(" ")
    if not number_text:
        raise Usage(
            "Skriv numret på registreringen och sedan hur den ska vara, t.ex. ”rätta 412 närvaro PKS 2022-03-10 11 av"
            " 13”."
        )
    entry = journal.own_entry(ctx.session, grammar.entry_number(number_text), ctx.actor, "rätta")
    kind_command = COMMANDS.get(entry.kind)
    if kind_command is None or entry.kind in ("målvärde",):
        raise Usage(f"#{entry.id} går inte att rätta här. Ångra den med ”ångra {entry.id}” och registrera den på nytt.")
    word, _, rest = text.strip().partition(" ")
    named = COMMANDS.get(values.fold(word).replace(" ", ""), None) or COMMANDS.get(word.casefold())
    if named is not None:
        if named is not kind_command:
            raise Usage(
                f"#{entry.id} är en registrering av {entry.kind}; rätta den med ett nytt meddelande om {entry.kind}."
            )
        text = rest
    if not text.strip():
        raise Usage(f"Skriv hur #{entry.id} ska vara efter numret, t.ex. ”rätta {entry.id} {entry.kind} …”.")
    ctx.origin = replace(ctx.origin, corrects=entry)
    return kind_command.handler(ctx, text.strip())


@command("exempel", "example", role=Role.STAFF, scope=Scope.CHOSEN_ENTRIES)
def example(ctx: Context, args: str) -> Reply:
    """Gör en aktivitets status eller en händelse till ett exempel i rapporten (”Exempel på aktiviteter”), med dess
    nummer; en händelse också med sitt strategiska mål. ”bort” tar bort den ur exemplen.
    Exempel: exempel 412
    Exempel: exempel 413 sm2
    Exempel: exempel 412 bort
    """
    removed, text = grammar.take_flag(grammar.tidy(args), "ta bort", "bort", "inte")
    number_text, _, goal = text.strip().partition(" ")
    if not number_text:
        raise Usage("Skriv numret på statusen eller händelsen, t.ex. ”exempel 412”.")
    number = grammar.entry_number(number_text)
    if removed and goal.strip():
        raise Usage(f"Skriv bara numret och ”bort”, t.ex. ”exempel {number} bort”.")
    entry = journal.own_entry(ctx.session, number, ctx.actor, "markera", managers=True)
    return accepted(ctx, records.mark_example(ctx.session, origin=ctx.origin, marked=entry,
                                               strategic_goal_code=goal.strip() or None, shown=not removed))


@command("vem", "whoami", role=Role.STAFF, scope=Scope.READ)
def whoami(ctx: Context, args: str) -> Reply:
    """Visa vem kubot tror att du är, din roll och dina områden.
    Exempel: vem
    """
    areas = ctx.session.exec(select(Area.name).join(StaffArea).where(StaffArea.staff_id == ctx.actor.id)).all()
    role = access.ROLE_NAMES[Role(ctx.actor.role)]
    title = f", {ctx.actor.title}" if ctx.actor.title else ""
    return Reply(f"Du är {ctx.actor.name}{title} – roll: {role}. Områden: {', '.join(areas) or 'inga angivna'}.")


@command("hjälp", "hjalp", "help", "?", role=Role.STAFF, scope=Scope.READ)
def help_(ctx: Context, args: str) -> Reply:
    """Visa vad kubot kan, eller hjälp och exempel för ett kommando.
    Exempel: hjälp närvaro
    """
    if args:
        wanted = COMMANDS.get(args.split()[0].lower())
        if wanted is None:
            raise Usage(f"Det finns inget kommando ”{args.split()[0][:30]}”. Skriv ”hjälp” för en lista.")
        examples = "\n".join(f"  {e}" for e in wanted.examples)
        aliases = f" (även: {', '.join(wanted.aliases)})" if wanted.aliases else ""
        return Reply(f"{wanted.name}{aliases}: {wanted.summary}\nExempel:\n{examples}")
    return Reply(help_text.overview(unique_commands(), ctx.has_role))
