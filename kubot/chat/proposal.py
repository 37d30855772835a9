"""An optional language model that proposes a command for a message the grammar refuses.

Off unless `KUBOT_LLM_URL` points at an OpenAI-compatible chat-completions server, meant to be one the
organisation hosts itself (Ollama, vLLM, llama.cpp's server). It is sent the refused message, the
person's own areas, networks and activity codes, and the command list with examples – never anyone's
entries – and asked for `{"command": "<one kubot command>"}` or `{"command": null}` under a JSON
schema. The proposal is only text: the chat core parses it with its own grammar, and the person
decides with "ja". Any timeout or error is no proposal. This is the one module that imports openai.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

import openai

from kubot.settings import Settings

log = logging.getLogger(__name__)

SCHEMA = {
    "name": "kubot_command",
    "strict": True,
    "schema": {
        "type": "object",
        "properties": {"command": {"type": ["string", "null"]}},
        "required": ["command"],
        "additionalProperties": False,
    },
}
_INSTRUCTIONS = (
    "Du översätter ett chattmeddelande från en medarbetare på Kommunal utveckling till exakt ett kubot-kommando. "
    "Svara bara med JSON: {\"command\": \"<kommandot>\"}, eller {\"command\": null} om meddelandet inte säger "
    "tillräckligt för ett kommando. Hitta aldrig på namn, datum eller antal som inte står i meddelandet. "
    "Dagens datum: {today}."
)


def propose(
    settings: Settings,
    message: str,
    *,
    areas: Sequence[str],
    networks: Sequence[str],
    activities: Sequence[str],
    commands: Sequence[tuple[str, Sequence[str]]],
    today: str,
) -> str | None:
    """The model's proposed command for `message`, or None (no model, no proposal, a timeout or an error).

    `areas`, `networks` and `activities` are the person's own: all the model learns of the plan."""
    if not settings.llm_url:
        return None
    listing = "\n".join(f"{name}: " + " | ".join(examples) for name, examples in commands if examples)
    context = (
        f"Kommandon med exempel:\n{listing}\n\nPersonens områden: {', '.join(areas) or '–'}\n"
        f"Personens nätverk: {', '.join(networks) or '–'}\nPersonens aktiviteter: {', '.join(activities) or '–'}"
    )
    messages = [{"role": "system", "content": _INSTRUCTIONS.replace("{today}", today)},
                {"role": "user", "content": f"{context}\n\nMeddelandet: {message}"}]
    log.debug("asking the language model at %s: %s", settings.llm_url, messages)
    try:
        client = openai.OpenAI(base_url=settings.llm_url, api_key=settings.llm_key or "ingen-nyckel",
                               timeout=settings.llm_timeout_seconds, max_retries=0)
        # The messages and schema are plain dicts the server reads; openai's overloads want its TypedDicts.
        answer = client.chat.completions.create(  # type: ignore[call-overload,unused-ignore]
            model=settings.llm_model, messages=messages, response_format={"type": "json_schema", "json_schema": SCHEMA})
        proposed = json.loads(answer.choices[0].message.content or "null")
    except (openai.OpenAIError, ValueError, IndexError, TypeError) as exc:
        log.debug("no proposal from the language model: %s", type(exc).__name__)
        return None
    command = proposed.get("command") if isinstance(proposed, dict) else None
    log.debug("the language model proposed %r", command)
    return " ".join(command.split()) if isinstance(command, str) and command.strip() else None
