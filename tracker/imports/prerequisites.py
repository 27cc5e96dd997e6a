"""What a kind of import needs recorded before its file is read, as the kind says it
(`Kind.needs`): the headquarters that institutes belong to and project codes begin with, the
gate templates an imported decision's review copies. Without it every row would be refused
for the same reason, or a LookupError end the run: the file is refused before it is read,
saying what is missing, on the upload page (409, nothing queued: `jobs.queue`), by a run
queued before it went missing (`services.run_import`, `replay.run_import`) and on the command
line, which names the command that records it (`flask import`)."""

from __future__ import annotations

from collections.abc import Callable

from tracker.display import said
from tracker.gates.services import unconfigured_refusal
from tracker.imports.column_types import Kind, Need
from tracker.organisations.services import hq_refusal

# Each need: why it is missing now (None when it is not), and the command of the server's
# administrator that records it (`flask hq create` installs the default gate templates too).
REFUSALS: dict[str, Callable[[], str | None]] = {
    Need.HQ: hq_refusal, Need.GATE_TEMPLATES: unconfigured_refusal}
COMMANDS = {Need.HQ: "flask hq create CODE --name-zh NAME",
            Need.GATE_TEMPLATES: "flask hq create CODE --name-zh NAME"}


def missing(kinds: list[Kind]) -> dict[str, str]:
    """What `kinds` need that is missing now: each need, said."""
    found = {}
    for need in dict.fromkeys(n for kind in kinds for n in kind.needs):
        if (why := REFUSALS[need]()) is not None:
            found[need] = why
    return found


def refused(kinds: list[Kind]) -> dict[str, str]:
    """Why a file of each of `kinds` is not imported now, by kind name (none of a kind that
    may be): the upload page says it beside the kind, each need asked once."""
    found = missing(kinds)
    return {kind.name: said.joined(" ", [found[need] for need in kind.needs if need in found])
            for kind in kinds if any(need in found for need in kind.needs)}


def refusal(*kinds: Kind) -> str | None:
    """Why a file of `kinds` is not imported now (its prerequisites); None when it may be."""
    found = missing(list(kinds))
    return said.joined(" ", list(found.values())) if found else None
