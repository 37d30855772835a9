"""Hostile characters in chat messages: stored without them, on SQLite and PostgreSQL, so every
report can still be written (issue 14, point 3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import Engine
from sqlmodel import select

from kubot import db
from kubot.adapters import console
from kubot.chat.core import Bot, clean
from kubot.models import Entry, Event
from kubot.text import storable


def xml_compatible(text: str) -> bool:
    """What python-docx (lxml) demands of every string put into a Word document."""
    try:
        etree.Element("p").text = text
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("raw", "safe"), [
    ("Fyra\x00 insatser", "Fyra insatser"),
    ("kurs\uffff GDPR\ufffe", "kurs GDPR"),
    ("Heder\ufdd0s\ufdefvåld", "Hedersvåld"),
    ("emoji \U0001f600 ja, \U0001fffe nej", "emoji \U0001f600 ja,  nej"),
    ("halv \ud83d surrogat", "halv  surrogat"),
    ("klocka\x07 och\x1b[0m färg", "klocka och[0m färg"),
    ("rad\nny rad\tflik", "rad\nny rad\tflik"),
    ("na\u0308rvaro Ga\u030anga", "närvaro Gånga"),
])
def test_unsafe_characters_are_removed_and_text_composed(raw: str, safe: str) -> None:
    assert storable(raw) == safe


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_any_text_made_storable_fits_a_word_document_and_utf8(raw: str) -> None:
    safe = storable(raw)
    assert xml_compatible(safe)
    safe.encode("utf-8")  # a lone surrogate would raise here
    assert storable(safe) == safe


def test_clean_message_text_has_no_unsafe_characters() -> None:
    assert clean("  händelse\x00 missbruk:\uffff\u00a0text ") == "händelse missbruk: text"


def test_event_text_with_noncharacters_and_nul_is_stored_clean_and_fits_a_report(
    bot: Bot, small_plan_engine: Engine
) -> None:
    message = "händelse missbruk kompetens: Fyra\x00 utbildningar\uffff om \ufdd0hedersrelaterat våld\ufffe."
    reply = console.say(bot, "Ola Götesson", message)
    assert reply.accepted, reply.text
    assert "Fyra utbildningar om hedersrelaterat våld." in reply.text
    with db.session_scope(small_plan_engine) as session:
        event = session.exec(select(Event)).one()
        entry = session.exec(select(Entry).where(Entry.id == event.entry_id)).one()
        assert event.text == "Fyra utbildningar om hedersrelaterat våld."
        assert entry.message_text == "händelse missbruk kompetens: Fyra utbildningar om hedersrelaterat våld."
        assert all(xml_compatible(text) for text in (event.text, entry.summary, entry.message_text))


def test_attendance_message_with_nul_and_decomposed_letters_is_accepted(bot: Bot) -> None:
    # On PostgreSQL the raw NUL used to make the whole message fail ("Något gick fel").
    reply = console.say(bot, "Ola Götesson", "na\u0308rvaro PKS 2022-03-10 3 av 3\x00")
    assert reply.accepted, reply.text
    assert "PKS 2022-03-10: närvaro 3 av 3" in reply.text


def test_message_with_lone_surrogate_is_answered_not_failed(bot: Bot) -> None:
    reply = console.say(bot, "Ola Götesson", "händelse missbruk: Trasigt \udc80tecken")
    assert reply.accepted, reply.text
    assert "Trasigt tecken" in reply.text
