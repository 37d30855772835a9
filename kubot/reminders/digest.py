"""The reminder texts, in Swedish: pure functions from what is owed to a message.

What is owed is `kubot.owed`'s list, the same one `saknas` and the Home tab show; this module only
words it, with the exact chat command that reports each item, so nobody has to look up a code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kubot import formatting as fmt
from kubot import workdays
from kubot.models.records import ActivityState
from kubot.owed import Owed, owed_verdicts
from kubot.periods import Period
from kubot.port import Action, Unreached
from kubot.verdicts import ActivityVerdict, Due, Snapshot

NOBODY = "Utan ansvarig"
MAX_LISTED = 25


@dataclass(frozen=True)
class Done:
    """An item already reported, as a reminder lists it: what, and the value reported."""

    code: str
    name: str
    shown: str = ""


@dataclass(frozen=True)
class Text:
    text: str
    actions: tuple[Action, ...] = ()


_OTHER_STATES = ", ".join(s.value for s in ActivityState if s != ActivityState.ON_TRACK)


def actions(period: Period) -> tuple[Action, ...]:
    return (
        Action("rapportera", f"saknas {period.code}"),
        Action("påminn mig imorgon", f"påminn imorgon {period.code}"),
        Action("inte min uppgift", f"inte-min-uppgift {period.code}"),
    )


def _when(deadline: date, today: date) -> str:
    named = f"{workdays.weekday_name(deadline)} {fmt.day(deadline)}"
    if deadline < today:
        return f"skulle ha varit klar {named}"
    left = workdays.count(today, deadline)
    if left == 0:
        return f"ska vara klar i dag, {named}"
    return f"ska vara klar {named}, om {left} {'arbetsdag' if left == 1 else 'arbetsdagar'}"


def _lines(items: Sequence[Owed | Done], with_how: bool) -> list[str]:
    lines = []
    for item in items[:MAX_LISTED]:
        lines.append(f"• {item.code} – {item.name}" + (f": {item.shown}" if item.shown else ""))
        if with_how and isinstance(item, Owed):
            lines.append(f"    skriv: {item.how}")
            if item.what == "status":
                lines.append(f"    (eller i stället för ”{ActivityState.ON_TRACK.value}”: {_OTHER_STATES})")
    if len(items) > MAX_LISTED:
        lines.append(f"… och {len(items) - MAX_LISTED} till.")
    return lines


def reminder(
    name: str, period: Period, deadline: date, today: date, owed: Sequence[Owed], done: Sequence[Done]
) -> Text:
    """The digest to the person responsible: everything they still owe for the period, in one message."""
    first = name.split()[0]
    lines = [f"Hej {first}! Rapporten för {period.label} {_when(deadline, today)}.", "",
             f"Det här saknas från dig ({len(owed)}):", *_lines(owed, with_how=True)]
    if done:
        lines += ["", f"Redan inrapporterat ({len(done)}):", *_lines(done, with_how=False)]
    if deadline < today:
        lines += ["", "Din chef har fått veta vad som saknas."]
    return Text("\n".join(lines), actions(period))


def handover(name: str, absent: str, until: date, period: Period, deadline: date, today: date, owed: Sequence[Owed],
             passed_over: Sequence[str] = ()) -> Text:
    """To the manager: someone who is away owes what cannot wait until they are back. `passed_over`: the
    nearer managers who are away too, so the reader knows why it came to them."""
    lines = [
        (
            f"Hej {name.split()[0]}! {absent} är frånvarande till {workdays.weekday_name(until)} {fmt.day(until)}, "
            f"och rapporten för {period.label} {_when(deadline, today)}. Det här saknas från hen ({len(owed)}):"
        ),
        *_lines(owed, with_how=True),
        "",
        "Rapportera det själv med kommandona ovan, eller be någon annan göra det.",
    ]
    if passed_over:
        lines.append(f"Du får det här eftersom {' och '.join(passed_over)} också är frånvarande.")
    return Text("\n".join(lines), (Action("se vad som saknas", f"saknas {period.code}"),))


def escalation(name: str, period: Period, deadline: date, today: date, owed: Mapping[str, Sequence[Owed]]) -> Text:
    """The digest to a manager after the deadline: what is still missing in their areas, per person."""
    total = sum(len(items) for items in owed.values())
    lines = [f"Hej {name.split()[0]}! Rapporten för {period.label} {_when(deadline, today)}. "
             f"I dina områden saknas fortfarande {total} {'uppgift' if total == 1 else 'uppgifter'}:"]
    for person, items in owed.items():
        lines += ["", f"{person} ({len(items)}):", *_lines(items, with_how=False)]
    return Text("\n".join(lines), (Action("se vad som saknas", f"saknas {period.code}"),))


@dataclass(frozen=True)
class Completeness:
    indicators_due: int
    indicators_reported: int
    activities_due: int
    activities_reported: int

    @classmethod
    def of(cls, snapshot: Snapshot) -> Completeness:
        """What is reported of what the period asks for: the reported and the still owed."""
        owing = owed_verdicts(snapshot)
        indicators = sum(v.due == Due.REPORTED for v in snapshot.indicators)
        activities = sum(v.due == Due.REPORTED for v in snapshot.activities)
        owed_activities = sum(isinstance(v, ActivityVerdict) for v in owing)
        return cls(indicators + len(owing) - owed_activities, indicators, activities + owed_activities, activities)


def _share(part: int, whole: int) -> str:
    return f"{part} av {whole}" + (f" ({fmt.ratio_percent(part / whole)})" if whole else "")


def summary(name: str, period: Period, deadline: date, today: date, completeness: Completeness,
            owed: Mapping[str, int]) -> Text:
    """The head's overview of the whole organisation after the deadline."""
    lines = [f"Hej {name.split()[0]}! Läget för rapporten {period.label}, som {_when(deadline, today)}:",
             f"Mätetal inrapporterade: {_share(completeness.indicators_reported, completeness.indicators_due)}.",
             f"Aktiviteter med status: {_share(completeness.activities_reported, completeness.activities_due)}."]
    if owed:
        lines += ["", "Saknas fortfarande, per ansvarig:", *(f"• {person}: {count}" for person, count in owed.items())]
    else:
        lines += ["", "Allt som ska vara inrapporterat är det. Bra jobbat!"]
    return Text("\n".join(lines), (Action("se vad som saknas", f"saknas {period.code}"),))


def combined(name: str, parts: Sequence[Text]) -> Text:
    """Everything due to one person at once, as one message: the parts in order, greeted once, each
    button once (the same command offered by two parts is one button)."""
    if len(parts) == 1:
        return parts[0]
    greeting = f"Hej {name.split()[0]}! "
    texts = [parts[0].text, *(p.text.removeprefix(greeting) for p in parts[1:])]
    first: dict[str, Action] = {}
    for part in parts:
        for action in part.actions:
            first.setdefault(action.command, action)
    return Text("\n\n".join(texts), tuple(first.values()))


# What each kind of message is called in the administrators' list of people not reached.
_KIND_WORDS = {
    "påminnelse": "påminnelse",
    "eskalering": "chefens sammanställning",
    "sammanfattning": "lägesrapport",
    "ej-ansvarig": "uppgifter utan ansvarig",
    "inte-min": "”inte min uppgift”",
    "frånvaro": "frånvaro att ta över",
}


def unreached(people: Sequence[tuple[str, Unreached, Sequence[str]]]) -> Text:
    """To the administrators, once per delivery run: everyone kubot could not reach (name, why, which
    messages), with what to do about each."""
    lines = [f"{len(people)} {'person' if len(people) == 1 else 'personer'} kunde inte nås, "
             f"så {'hen' if len(people) == 1 else 'de'} har inte fått sina meddelanden från kubot:"]
    for name, why, kinds in people:
        what = ", ".join(dict.fromkeys(_KIND_WORDS.get(kind, "meddelande") for kind in kinds))
        lines += [f"• {name} ({what}): {why.why}.", f"    Gör så här: {why.fix}."]
    lines += ["", "Meddelandena skickas inte om av sig själva. Se vem som nås var med ”kontroll”."]
    return Text("\n".join(lines), (Action("se vem som nås var", "kontroll"),))


def not_mine(person: str, period: Period, items: Sequence[Owed]) -> Text:
    """To the admin: someone says the reminder's items are not theirs to report."""
    lines = [
        f"{person} säger att det här inte är hens uppgift att rapportera för {period.code}:",
        *_lines(items, with_how=False),
        "",
        "Ändra ansvarig i planen (ansvarig: …) och läs in den igen, så går påminnelserna till rätt person.",
    ]
    return Text("\n".join(lines))


def unassigned(period: Period, items: Sequence[Owed]) -> Text:
    """To the admin: owed items without a known responsible person, so nobody would be reminded."""
    lines = [f"Det här saknas för {period.code} men har ingen (aktiv) ansvarig, så ingen får någon påminnelse:",
             *_lines(items, with_how=False), "", "Ange ansvarig i planen (ansvarig: …) och läs in den igen."]
    return Text("\n".join(lines))
