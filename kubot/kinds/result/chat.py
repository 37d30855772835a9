"""The chat half of result: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from kubot import records, values
from kubot.chat import forms, grammar
from kubot.chat.registry import (
    Context,
    Scope,
    Usage,
    accepted,
    check_may_report,
    declare,
    take_period,
)
from kubot.kinds.result import record
from kubot.models import Indicator, Staff
from kubot.models.plan import Role, Source
from kubot.port import Reply


def _indicator(ctx: Context, text: str, year: int) -> Indicator:
    code = ctx.lexicon(year).indicator(text)
    indicator = records.indicator_in_force(ctx.session, code, year)
    check_may_report(ctx, indicator, f"mätetalet {indicator.code}")
    return indicator


@declare("resultat", "result", role=Role.STAFF, scope=Scope.OWN_AREA)
def result(ctx: Context, args: str) -> Reply:
    """Rapportera ett inmatat mätetals resultat för en period, gärna med analys efter kolon. En administratör
    kan uppge en siffra för ett framräknat mätetal, med skälet inom parentes: resultat kurser T3 2018 159 (kurser och
    uppdrag).
    Exempel: resultat nojd-medarbetare 79 % T2 2022: Målvärde nås nästan. En marginell minskning jämfört med 2021.
    Exempel: resultat fri-fritidsbank 3 T1 2022
    """
    head, analysis_text = grammar.split_comment(args)
    period, head = take_period(ctx, grammar.tidy(head))
    split = grammar.split_last_value(head, yes_no=True)
    if split is None:
        raise Usage("Skriv mätetalets kod och resultatet, t.ex. ”resultat nojd-medarbetare 79 % T2 2022”.")
    name, raw = split
    if not name:
        raise Usage("Skriv vilket mätetal resultatet gäller, före värdet.")
    indicator = _indicator(ctx, name, period.year)
    value = {"ja": 1.0, "nej": 0.0}[raw] if raw in ("ja", "nej") else float(values.parse_number(raw))
    return accepted(ctx, record.log_result(ctx.session, origin=ctx.origin, indicator_code=indicator.code, period=period,
                                             today=ctx.today, value=value, analysis=analysis_text,
                                             may_state=ctx.has_role(Role.ADMIN)))


@declare("analys", "analysis", role=Role.STAFF, scope=Scope.OWN_AREA)
def analysis(ctx: Context, args: str) -> Reply:
    """Skriv analystexten till ett mätetal för en period – den står bredvid resultatet i rapporten.
    Exempel: analys narvaro-pks T2 2022: PKS har sedan mätningarnas början legat över målvärdet på 80 %.
    """
    head, text = grammar.split_comment(args)
    if not text:
        raise Usage("Skriv analysen efter ett kolon.")
    period, name = take_period(ctx, grammar.tidy(head))
    if not name:
        raise Usage("Skriv vilket mätetal analysen gäller.")
    indicator = _indicator(ctx, name, period.year)
    return accepted(
        ctx,
        record.log_analysis(ctx.session, origin=ctx.origin, indicator_code=indicator.code, period=period, text=text),
    )



def _result(session: Session, actor: Staff | None, today: date, preset: forms.Values) -> tuple[forms.Field, ...]:
    query = select(Indicator).where(
        Indicator.plan_id == forms.plan_id(session, today), Indicator.source == Source.TYPED
    )
    indicators = tuple(
        (i.code, f"{i.code} – {i.name}")
        for i in forms.reportable(session, actor, query.order_by(col(Indicator.position)))
    )
    periods = forms.periods(today)
    return (
        forms.Field(
            "indicator",
            "Mätetal",
            forms.Kind.MENU,
            options=indicators,
            about=("mätetal",),
            initial=indicators[0][0] if len(indicators) == 1 else "",
        ),
        forms.Field(
            "value", "Resultat", forms.Kind.TEXT, hint="t.ex. 79 %, 3 eller ja", about=("värde", "procent", "resultat")
        ),
        forms.Field(
            "period", "Period", forms.Kind.MENU, options=periods, initial=periods[0][0], about=("period", "tertial")
        ),
        forms.Field("analysis", "Analys (valfritt)", forms.Kind.LONG_TEXT, optional=True, about=("analys",)),
    )


def _result_command(form: forms.Form, values: forms.Values) -> str:
    return forms.with_comment(
        f"resultat {forms.text(values, 'indicator')} {forms.text(values, 'value')} {forms.text(values, 'period')}",
        values,
        "analysis",
    )


COMMANDS = (result, analysis,)
FORMS = (forms.FormSpec("resultat", "Resultat för mätetal", "Rapportera resultatet", _result, _result_command),)
