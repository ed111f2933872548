# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The stage planning of reminders.py: exact cases and properties over
random policies and calendars (no database):
    .venv/bin/pytest -p no:odoo tests/test_reminders_pure.py
"""
import unittest
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pure_module import load

reminders = load('customer_invoicing_flow/reminders.py')

DUE = date(2023, 3, 31)
# the default policy: heads-up, due, late with fee, final, credit hold
DEFAULT = [('heads_up', -3), ('due', 1), ('late', 11), ('final', 30),
           ('hold', 45)]


def day(offset):
    return DUE + timedelta(days=offset)


class TestPlanCases(unittest.TestCase):

    def test_nothing_due_before_the_first_stage(self):
        self.assertIsNone(reminders.plan(DUE, DEFAULT, set(), day(-4)))

    def test_each_stage_on_its_day(self):
        for key, offset in DEFAULT:
            done = {k for k, o in DEFAULT if o < offset}
            self.assertEqual(
                reminders.plan(DUE, DEFAULT, done, day(offset)),
                reminders.Plan(fire=key, skipped=(), due=(key,)))

    def test_stage_date(self):
        self.assertEqual(reminders.stage_date(DUE, -3), date(2023, 3, 28))
        self.assertEqual(reminders.stage_date(DUE, 45), date(2023, 5, 15))
        # across a leap day
        self.assertEqual(reminders.stage_date(date(2024, 2, 20), 10),
                         date(2024, 3, 1))

    def test_catch_up_fires_the_latest_only(self):
        self.assertEqual(
            reminders.plan(DUE, DEFAULT, set(), day(31)),
            reminders.Plan(fire='final',
                           skipped=('heads_up', 'due', 'late'),
                           due=('heads_up', 'due', 'late', 'final')))

    def test_done_stages_never_come_back(self):
        done = {'heads_up', 'due', 'late', 'final', 'hold'}
        self.assertIsNone(reminders.plan(DUE, DEFAULT, done, day(400)))

    def test_stale_heads_up_is_skipped(self):
        stages = [('heads_up', -3), ('late', 11)]
        self.assertEqual(
            reminders.plan(DUE, stages, set(), day(1)),
            reminders.Plan(fire=None, skipped=('heads_up',),
                           due=('heads_up',)))
        # on the due date itself it still goes out
        self.assertEqual(reminders.plan(DUE, stages, set(), DUE).fire,
                         'heads_up')


offsets = st.lists(st.integers(min_value=-30, max_value=120), min_size=1,
                   max_size=6, unique=True)


@st.composite
def calendars(draw):
    """A policy (unique offsets), a due date and a list of run days."""
    stage_offsets = draw(offsets)
    stages = [('s%d' % index, offset)
              for index, offset in enumerate(stage_offsets)]
    due = draw(st.dates(min_value=date(2020, 1, 1),
                        max_value=date(2030, 12, 31)))
    runs = sorted(draw(st.lists(st.integers(min_value=-40, max_value=160),
                                max_size=12, unique=True)))
    return stages, due, [due + timedelta(days=run) for run in runs]


class TestPlanProperties(unittest.TestCase):

    @settings(max_examples=300, deadline=None)
    @given(calendars())
    def test_every_stage_processed_once_and_on_time(self, calendar):
        stages, due, runs = calendar
        offset_of = dict(stages)
        done = set()
        fired = []
        for as_of in runs:
            result = reminders.plan(due, stages, done, as_of)
            if result is None:
                continue
            # partitions the due stages; never a stage from the future or
            # one processed before
            self.assertEqual(set(result.due),
                             set(result.skipped) | {result.fire} - {None})
            self.assertNotIn(result.fire, result.skipped)
            self.assertFalse(set(result.due) & done)
            for key in result.due:
                self.assertLessEqual(
                    reminders.stage_date(due, offset_of[key]), as_of)
            if result.fire is not None:
                # the latest due stage, and no heads-up after the due date
                self.assertEqual(offset_of[result.fire],
                                 max(offset_of[key] for key in result.due))
                self.assertFalse(offset_of[result.fire] < 0 and as_of > due)
                fired.append(result.fire)
            done |= set(result.due)
            # the same day again: nothing
            self.assertIsNone(reminders.plan(due, stages, done, as_of))
        # at most one message per run, never one stage twice
        self.assertEqual(len(fired), len(set(fired)))
        if runs:
            self.assertEqual(
                done, {key for key, offset in stages
                       if reminders.stage_date(due, offset) <= runs[-1]})

    @settings(max_examples=200, deadline=None)
    @given(offsets, st.integers(min_value=0, max_value=200))
    def test_daily_runs_fire_every_stage_on_its_day(self, stage_offsets,
                                                    horizon):
        """With the job running every day, nothing is ever skipped: each
        stage fires on its own day."""
        stages = [('s%d' % offset, offset) for offset in stage_offsets]
        start = min(stage_offsets) - 1
        done = set()
        for offset in range(start, start + horizon + 1):
            result = reminders.plan(DUE, stages, done, day(offset))
            if result is None:
                continue
            self.assertEqual(result.skipped, ())
            self.assertEqual(result.fire, 's%d' % offset)
            done |= set(result.due)
