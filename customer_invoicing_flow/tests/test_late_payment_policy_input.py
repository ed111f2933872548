# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bad policy input refused, through each entry point, with nothing written:
the form (create/write the way the web client and XML-RPC call them, through
``call_kw``) and Odoo's importer (``load``, a 100-row file with one bad row).

The rules are the fee engine's (late_fees.terms_problems, stage_problems);
these tests check the ORM applies each one with its translated message.
"""
from psycopg2 import IntegrityError

from odoo.api import call_kw
from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import LatePaymentCase

# The importer's columns, one policy with one stage per row
IMPORT_FIELDS = ['name', 'grace_days', 'fee_fixed', 'fee_percent',
                 'interest_rate', 'fee_min', 'fee_max', 'charge_min',
                 'stage_ids/name', 'stage_ids/day_offset',
                 'stage_ids/charge_fee']


def import_row(name, **values):
    row = dict(zip(IMPORT_FIELDS, [name, '10', '40', '0', '8', '0', '0',
                                   '0', 'Late notice', '11', 'True']))
    row.update(values)
    return [row[field] for field in IMPORT_FIELDS]


class TestLatePaymentPolicyInput(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestLatePaymentPolicyInput, cls).setUpClass()
        cls.policy = cls.create_policy(grace_days=10, stages=[(15, True)])
        cls.Policy = cls.env['late.payment.policy']
        cls.Stage = cls.env['late.payment.policy.stage']

    def money(self, amount):
        if self.currency.position == 'after':
            return '%s %s' % (amount, self.currency.symbol)
        return '%s %s' % (self.currency.symbol, amount)

    def counts(self):
        return (self.Policy.with_context(active_test=False).search_count([]),
                self.Stage.search_count([]))

    def assertRejected(self, message, values, record=None):
        """Creating a policy with ``values`` (or writing them on ``record``)
        the way the web client does is refused with exactly ``message``,
        and nothing is written."""
        counts = self.counts()
        names = [name for name in values if name != 'stage_ids']
        before = record.read(names)[0] if record else None
        stages = record.stage_ids.read() if record else None
        with self.assertRaises(ValidationError) as caught, \
                self.cr.savepoint():
            if record:
                call_kw(self.Policy, 'write', [record.ids, values], {})
            else:
                call_kw(self.Policy, 'create', [dict({
                    'name': 'Rejected',
                    'company_id': self.company.id,
                    'fee_product_id': self.fee_product.id}, **values)], {})
        self.assertEqual(caught.exception.name, message)
        self.assertEqual(self.counts(), counts)
        if record:
            record.invalidate_cache()
            self.assertEqual(record.read(names)[0], before)
            self.assertEqual(record.stage_ids.read(), stages)

    def assertImportRejected(self, message, bad_row, rows=100,
                             fields=tuple(IMPORT_FIELDS)):
        """A ``rows``-row import whose 57th row is ``bad_row`` writes
        nothing and reports ``message`` on that row."""
        counts = self.counts()
        data = [import_row('CIF imported %03d' % index)
                for index in range(rows)]
        data[56:57] = bad_row if isinstance(bad_row[0], list) else [bad_row]
        result = self.Policy.load(list(fields), data)
        self.assertIs(result['ids'], False)
        errors = [m for m in result['messages'] if m['type'] == 'error']
        self.assertEqual([m['message'] for m in errors], [message])
        self.assertEqual(errors[0]['record'], 56)
        self.assertNotIn('moreinfo', errors[0])
        self.assertEqual(self.counts(), counts)

    # -- the form ----------------------------------------------------------

    def test_negative_and_out_of_range(self):
        self.assertRejected(
            "Policy Rejected: the grace period cannot be negative (-1 days).",
            {'grace_days': -1})
        # every problem at once: the grace period and its fee stage
        self.assertRejected('\n'.join([
            "Policy CIF policy: the grace period cannot exceed 365 days "
            "(400 days given).",
            "Stage Day 15 charges a fee on day 15, within the grace period "
            "of 400 days of policy CIF policy: a fee-charging stage must lie "
            "after the grace period."]), {'grace_days': 400}, self.policy)
        self.assertRejected(
            "Policy CIF policy: the fixed fee cannot be negative (%s)."
            % self.money('-0.01'), {'fee_fixed': -0.01}, self.policy)
        self.assertRejected(
            "Policy CIF policy: the minimum first charge cannot be negative "
            "(%s)." % self.money('-1.00'), {'fee_min': -1.0}, self.policy)
        self.assertRejected(
            "Policy Rejected: the cap per invoice cannot be negative (%s); "
            "leave it at 0 for no cap." % self.money('-1.00'),
            {'fee_max': -1.0})
        self.assertRejected(
            "Policy Rejected: the minimum per charge cannot be negative "
            "(%s)." % self.money('-5.00'), {'charge_min': -5.0})
        self.assertRejected(
            "Policy CIF policy: the percentage fee must be between 0 and "
            "100 % (100.50 % given).", {'fee_percent': 100.5}, self.policy)
        self.assertRejected(
            "Policy Rejected: the percentage fee must be between 0 and "
            "100 % (-1.00 % given).", {'fee_percent': -1.0})
        self.assertRejected(
            "Policy CIF policy: the annual interest rate must be between 0 "
            "and 100 % (150.00 % given).", {'interest_rate': 150.0},
            self.policy)
        self.assertRejected(
            "Policy Rejected: the annual interest rate must be between 0 "
            "and 100 % (-0.50 % given).", {'interest_rate': -0.5})
        # every problem of one input at once
        self.assertRejected('\n'.join([
            "Policy Rejected: the grace period cannot be negative "
            "(-2 days).",
            "Policy Rejected: the fixed fee cannot be negative (%s)."
            % self.money('-3.00')]), {'grace_days': -2, 'fee_fixed': -3.0})
        # the bounds themselves are fine
        policy = self.create_policy('Bounds', grace_days=365,
                                    fee_percent=100.0, interest_rate=100.0)
        self.assertEqual((policy.grace_days, policy.fee_percent,
                          policy.interest_rate), (365, 100.0, 100.0))

    def test_minimum_above_the_cap(self):
        # issue 11, defect 6: a minimum first charge of 50 and a cap of 20
        self.assertRejected(
            "Policy Rejected: the minimum first charge (%s) is above the cap "
            "per invoice (%s). Lower the minimum or raise the cap (0 means "
            "no cap)." % (self.money('50.00'), self.money('20.00')),
            {'fee_min': 50.0, 'fee_max': 20.0})
        self.policy.write({'fee_min': 50.0})
        self.assertRejected(
            "Policy CIF policy: the minimum first charge (%s) is above the "
            "cap per invoice (%s). Lower the minimum or raise the cap (0 "
            "means no cap)." % (self.money('50.00'), self.money('20.00')),
            {'fee_max': 20.0}, self.policy)
        self.assertRejected(
            "Policy Rejected: the fixed fee (%s) is above the cap per "
            "invoice (%s), so it could never be charged in full. Lower the "
            "fee or raise the cap (0 means no cap)." % (
                self.money('40.00'), self.money('20.00')),
            {'fee_fixed': 40.0, 'fee_max': 20.0})
        self.assertRejected(
            "Policy Rejected: the minimum per charge (%s) is above the cap "
            "per invoice (%s), so no fee could ever be charged. Lower the "
            "minimum or raise the cap (0 means no cap)." % (
                self.money('30.00'), self.money('20.00')),
            {'charge_min': 30.0, 'fee_max': 20.0})
        # equal is fine, and without a cap no minimum is too high
        self.policy.write({'fee_max': 50.0})
        self.policy.write({'fee_max': 0.0, 'fee_min': 500.0,
                           'charge_min': 100.0})

    def test_stage_days(self):
        self.assertRejected(
            "Stage Day 15 charges a fee on day 15, within the grace period "
            "of 15 days of policy CIF policy: a fee-charging stage must lie "
            "after the grace period.", {'grace_days': 15}, self.policy)
        self.assertRejected(
            "Stage Too early charges a fee on day 10, within the grace "
            "period of 10 days of policy CIF policy: a fee-charging stage "
            "must lie after the grace period.",
            {'stage_ids': [(0, 0, {'name': 'Too early', 'day_offset': 10,
                                   'charge_fee': True})]}, self.policy)
        self.assertRejected(
            "Policy CIF policy: the stages Day 15, Twice all fall on day "
            "15; each stage needs a day of its own.",
            {'stage_ids': [(0, 0, {'name': 'Twice', 'day_offset': 15})]},
            self.policy)
        self.assertRejected(
            "Policy Rejected: the stages First, Second all fall on day 20; "
            "each stage needs a day of its own.", {'stage_ids': [
                (0, 0, {'name': 'First', 'day_offset': 20}),
                (0, 0, {'name': 'Second', 'day_offset': 20})]})
        self.assertRejected(
            "Policy CIF policy, stage Far: day 4000 is out of range; a stage "
            "lies between -365 and 3650 days from the due date.",
            {'stage_ids': [(0, 0, {'name': 'Far', 'day_offset': 4000})]},
            self.policy)
        stage = self.policy.stage_ids
        self.assertRejected(
            "Policy CIF policy: the stages Day 15, Moved all fall on day 30; "
            "each stage needs a day of its own.", {'stage_ids': [
                (0, 0, {'name': 'Moved', 'day_offset': 30}),
                (1, stage.id, {'day_offset': 30})]}, self.policy)
        self.assertRejected(
            "Stage Hold of policy CIF policy puts the customer on credit "
            "hold on day 0, before the invoice is overdue: a credit-hold "
            "stage must lie after the due date.",
            {'stage_ids': [(0, 0, {'name': 'Hold', 'day_offset': 0,
                                   'credit_hold': True})]}, self.policy)
        # a stage without fee may lie anywhere, before the due date too
        self.policy.write({'stage_ids': [(0, 0, {
            'name': 'Friendly', 'day_offset': -3})]})
        # a stage edited on its own is checked too
        with self.assertRaisesRegex(ValidationError, 'all fall on day 15'), \
                self.cr.savepoint():
            call_kw(self.Stage, 'write', [
                self.policy.stage_ids.filtered(
                    lambda s: s.day_offset == -3).ids,
                {'day_offset': 15}], {})

    def test_unique_day_in_the_database_too(self):
        # what bypasses the ORM still meets the (deferred) unique key
        with self.assertRaises(IntegrityError), \
                mute_logger('odoo.sql_db'), self.cr.savepoint():
            self.cr.execute("""
                INSERT INTO late_payment_policy_stage
                       (policy_id, name, day_offset)
                VALUES (%s, 'Twice', 15)""", (self.policy.id,))
            self.cr.execute("SET CONSTRAINTS "
                            "late_payment_policy_stage_day_offset_unique "
                            "IMMEDIATE")
        self.cr.execute("SET CONSTRAINTS "
                        "late_payment_policy_stage_day_offset_unique "
                        "DEFERRED")
        # the same day in another policy is fine
        self.create_policy('Other', stages=[(15, True)])

    def test_stage_template_and_activity(self):
        template = self.env['mail.template'].create({
            'name': 'CIF partner template',
            'model_id': self.env.ref('base.model_res_partner').id})
        self.assertRejected(
            "Stage Mail: the email template CIF partner template must be on "
            "invoices (account.invoice), not on res.partner.",
            {'stage_ids': [(0, 0, {
                'name': 'Mail', 'day_offset': 20, 'send_email': True,
                'mail_template_id': template.id})]}, self.policy)
        self.assertRejected(
            "Stage Mail sends an email: choose its template.",
            {'stage_ids': [(0, 0, {'name': 'Mail', 'day_offset': 20,
                                   'send_email': True})]}, self.policy)
        self.assertRejected(
            "Stage Call schedules an activity: choose its type.",
            {'stage_ids': [(0, 0, {'name': 'Call', 'day_offset': 20,
                                   'create_activity': True})]}, self.policy)

    def test_fee_product_is_a_service(self):
        stockable = self.env['product.product'].create({
            'name': 'CIF Stockable', 'type': 'consu'})
        self.assertRejected(
            "Policy CIF policy: the fee product must be a service.",
            {'fee_product_id': stockable.id}, self.policy)

    # -- the importer -------------------------------------------------------

    def test_import_writes_all_or_nothing(self):
        # the control: 100 good rows, 100 policies and their stages
        counts = self.counts()
        result = self.Policy.load(IMPORT_FIELDS, [
            import_row('CIF imported %03d' % index) for index in range(100)])
        self.assertEqual(result['messages'], [])
        self.assertEqual(len(result['ids']), 100)
        self.assertEqual(self.counts(), (counts[0] + 100, counts[1] + 100))
        imported = self.Policy.browse(result['ids'][56])
        self.assertEqual((imported.grace_days, imported.fee_fixed,
                          imported.stage_ids.day_offset,
                          imported.stage_ids.charge_fee),
                         (10, 40.0, 11, True))

    def test_import_bad_rows(self):
        self.assertImportRejected(
            "Policy CIF imported 056: the minimum first charge (%s) is above "
            "the cap per invoice (%s). Lower the minimum or raise the cap (0 "
            "means no cap)." % (self.money('50.00'), self.money('20.00')),
            import_row('CIF imported 056', fee_fixed='10', fee_min='50',
                       fee_max='20'))
        self.assertImportRejected(
            "Policy CIF imported 056: the grace period cannot be negative "
            "(-1 days).", import_row('CIF imported 056', grace_days='-1',
                                     **{'stage_ids/day_offset': '30'}))
        self.assertImportRejected(
            "Policy CIF imported 056: the fixed fee cannot be negative "
            "(%s)." % self.money('-40.00'),
            import_row('CIF imported 056', fee_fixed='-40'))
        self.assertImportRejected(
            "Policy CIF imported 056: the percentage fee must be between 0 "
            "and 100 % (120.00 % given).",
            import_row('CIF imported 056', fee_percent='120'))
        self.assertImportRejected(
            "Policy CIF imported 056: the annual interest rate must be "
            "between 0 and 100 % (-8.00 % given).",
            import_row('CIF imported 056', interest_rate='-8'))
        self.assertImportRejected(
            "Policy CIF imported 056: the minimum per charge cannot be "
            "negative (%s)." % self.money('-1.00'),
            import_row('CIF imported 056', charge_min='-1'))
        self.assertImportRejected(
            "Stage Late notice charges a fee on day 5, within the grace "
            "period of 10 days of policy CIF imported 056: a fee-charging "
            "stage must lie after the grace period.",
            import_row('CIF imported 056', **{'stage_ids/day_offset': '5'}))
        # two stage rows of one policy on the same day
        second = [''] * (len(IMPORT_FIELDS) - 3) + ['Again', '11', 'False']
        self.assertImportRejected(
            "Policy CIF imported 056: the stages Late notice, Again all fall "
            "on day 11; each stage needs a day of its own.",
            [import_row('CIF imported 056'), second])

    def test_import_every_other_rule(self):
        name = 'CIF imported 056'
        for message, values in (
                ("Policy %s: the grace period cannot exceed 365 days (366 "
                 "days given)." % name, {'grace_days': '366',
                                         'stage_ids/day_offset': '400'}),
                ("Policy %s: the minimum first charge cannot be negative "
                 "(%s)." % (name, self.money('-1.00')), {'fee_min': '-1'}),
                ("Policy %s: the cap per invoice cannot be negative (%s); "
                 "leave it at 0 for no cap." % (name, self.money('-20.00')),
                 {'fee_max': '-20'}),
                ("Policy %s: the percentage fee must be between 0 and 100 "
                 "%% (-2.00 %% given)." % name, {'fee_percent': '-2'}),
                ("Policy %s: the annual interest rate must be between 0 and "
                 "100 %% (101.00 %% given)." % name,
                 {'interest_rate': '101'}),
                ("Policy %s: the fixed fee (%s) is above the cap per invoice "
                 "(%s), so it could never be charged in full. Lower the fee "
                 "or raise the cap (0 means no cap)." % (
                     name, self.money('40.00'), self.money('30.00')),
                 {'fee_max': '30'}),
                ("Policy %s: the minimum per charge (%s) is above the cap "
                 "per invoice (%s), so no fee could ever be charged. Lower "
                 "the minimum or raise the cap (0 means no cap)." % (
                     name, self.money('60.00'), self.money('50.00')),
                 {'fee_max': '50', 'charge_min': '60'}),
                ("Policy %s, stage Late notice: day 3651 is out of range; a "
                 "stage lies between -365 and 3650 days from the due date."
                 % name, {'stage_ids/day_offset': '3651'})):
            self.assertImportRejected(message, import_row(name, **values))

    def test_import_template_on_the_wrong_model(self):
        template = self.env['mail.template'].create({
            'name': 'CIF partner template',
            'model_id': self.env.ref('base.model_res_partner').id})
        good = self.env.ref('customer_invoicing_flow.'
                            'mail_template_reminder_due')
        fields = ['name', 'stage_ids/name', 'stage_ids/day_offset',
                  'stage_ids/send_email', 'stage_ids/mail_template_id/.id']
        rows = [['CIF imported %03d' % index, 'Reminder', '1', 'True',
                 str(good.id)] for index in range(100)]
        rows[56][4] = str(template.id)
        counts = self.counts()
        result = self.Policy.load(fields, rows)
        self.assertIs(result['ids'], False)
        self.assertEqual([m['message'] for m in result['messages']], [
            "Stage Reminder: the email template CIF partner template must "
            "be on invoices (account.invoice), not on res.partner."])
        self.assertEqual(self.counts(), counts)

    def test_import_bad_values(self):
        # Odoo's own conversions: a string where a number or a choice goes
        counts = self.counts()
        for field, value in (('grace_days', 'ten'), ('fee_fixed', 'abc')):
            rows = [import_row('CIF imported %03d' % index)
                    for index in range(100)]
            rows[56] = import_row('CIF imported 056', **{field: value})
            result = self.Policy.load(IMPORT_FIELDS, rows)
            self.assertIs(result['ids'], False)
            self.assertEqual(len(result['messages']), 1)
            self.assertIn("'%s'" % value, result['messages'][0]['message'])
            self.assertEqual(self.counts(), counts)
        result = self.Policy.load(['name', 'interest_start'],
                                  [['CIF start', 'invoice']])
        self.assertIs(result['ids'], False)
        self.assertIn("Value 'invoice' not found in selection field",
                      result['messages'][0]['message'])
        # an unknown policy named in a customer import
        partners = self.env['res.partner'].search_count([])
        result = self.env['res.partner'].load(
            ['name', 'late_payment_policy_id'],
            [['CIF imported customer', 'CIF policy']] * 99
            + [['CIF imported customer', 'No such policy']])
        self.assertIs(result['ids'], False)
        self.assertEqual(len(result['messages']), 1)
        self.assertIn("No matching record found for name 'No such policy'",
                      result['messages'][0]['message'])
        self.assertEqual(self.env['res.partner'].search_count([]), partners)

    def test_import_stage_directly(self):
        result = self.Stage.load(
            ['policy_id/.id', 'name', 'day_offset', 'charge_fee'],
            [[str(self.policy.id), 'Early fee', '3', 'True']])
        self.assertIs(result['ids'], False)
        self.assertEqual([m['message'] for m in result['messages']], [
            "Stage Early fee charges a fee on day 3, within the grace period "
            "of 10 days of policy CIF policy: a fee-charging stage must lie "
            "after the grace period."])
