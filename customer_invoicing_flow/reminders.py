# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Which reminder stage fires on a given day: pure Python, no ORM.

A policy's stages sit at day offsets from the invoice's due date (negative:
before it). On a run for ``as_of`` the stages whose day has come and that
were not processed before are due. Of several due at once (the first run
after install, the job down for days, an invoice validated late, a hold
released) only the latest fires; the earlier ones are skipped, so the
customer gets one message, the firmest that applies. A heads-up meant for
before the due date never goes out once the due date has passed.
"""
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Plan:
    """What a run does with one invoice's stages.

    ``fire``: the key of the stage that fires, or None (only stale
    heads-ups were due). ``skipped``: keys of the due stages that do not
    fire. ``due``: every key processed now, in stage order.
    """
    fire: object
    skipped: tuple
    due: tuple


def stage_date(due_date, offset):
    """The day a stage at ``offset`` applies to an invoice due on
    ``due_date``."""
    return due_date + timedelta(days=offset)


def plan(due_date, stages, done, as_of):
    """The :class:`Plan` for one invoice on ``as_of``, or None when no
    stage is due.

    ``stages``: (key, day offset) pairs; ``done``: keys already processed
    (they never come back).
    """
    due = [(offset, key) for key, offset in stages
           if key not in done and stage_date(due_date, offset) <= as_of]
    if not due:
        return None
    due.sort()
    keys = tuple(key for _offset, key in due)
    last_offset, last_key = due[-1]
    if last_offset < 0 and as_of > due_date:
        return Plan(fire=None, skipped=keys, due=keys)
    return Plan(fire=last_key, skipped=keys[:-1], due=keys)
