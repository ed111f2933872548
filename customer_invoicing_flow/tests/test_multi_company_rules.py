# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Multi-company record rules: a user working in one company reads none of
another company's reminder history, fees, holds, policies or collections
analysis, also when the ids are known; the same user sees them once that
company is the current one. Dates are fixed (2023)."""
from odoo.exceptions import AccessError

from .common import DUE, ReminderCase, create_company, create_user, stub_pdf

# the addon's models holding company data, with their rule's external id
RULES = {
    'payment.reminder.log': 'payment_reminder_log_rule_company',
    'late.fee.charge': 'late_fee_charge_rule_company',
    'late.payment.hold': 'late_payment_hold_rule_company',
    'late.payment.policy': 'late_payment_policy_rule_company',
    'late.payment.policy.stage': 'late_payment_policy_stage_rule_company',
    'collections.analysis': 'collections_analysis_rule_company',
}


class TestMultiCompanyRules(ReminderCase):

    @classmethod
    def setUpClass(cls):
        super(TestMultiCompanyRules, cls).setUpClass()
        cls.other_company = create_company(cls.env)
        # collections managers (who read everything of their company):
        # works in the other company only
        cls.other_user = create_user(
            cls.env, 'collections_manager', 'Otto Other',
            login='other_company_manager',
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)])
        # may work in both, currently in the other company
        cls.both_user = create_user(
            cls.env, 'collections_manager', 'Bea Both',
            login='both_companies_manager',
            company_id=cls.other_company.id,
            company_ids=[(6, 0, (cls.company | cls.other_company).ids)])
        # this company's history: the reminder with a fee of 11 days late,
        # and a payment hold
        cls.late, cls.held = [
            cls.create_invoice(1000.0, date_due=DUE, policy=cls.policy,
                               partner=cls.create_customer(name))
            for name in ('CIF Late Customer', 'CIF Held Customer')]
        cls.held.sudo(cls.clerk).action_payment_hold(
            'Disputed delivery', date='2023-03-15')
        with stub_pdf(cls.env):
            cls.Invoice._cron_process_late_payments(
                '2023-04-11', commit=False)
        cls.records = {
            'payment.reminder.log': cls.Log.search(
                [('invoice_id', '=', cls.late.id)]),
            'late.fee.charge': cls.env['late.fee.charge'].search(
                [('invoice_id', '=', cls.late.id)]),
            'late.payment.hold': cls.env['late.payment.hold'].search(
                [('invoice_id', '=', cls.held.id)]),
            'late.payment.policy': cls.policy,
            'late.payment.policy.stage': cls.policy.stage_ids,
            'collections.analysis': cls.env['collections.analysis'].search(
                [('invoice_id', 'in', (cls.late | cls.held).ids)]),
        }

    def test_each_model_has_its_rule_for_every_user(self):
        for model, xmlid in RULES.items():
            rule = self.env.ref('customer_invoicing_flow.' + xmlid)
            self.assertEqual(rule.model_id.model, model)
            self.assertTrue(rule['global'], model)
            self.assertEqual(
                rule.domain_force.replace(' ', ''),
                "['|',('company_id','=',False),('company_id','child_of',"
                "[user.company_id.id])]", model)

    def test_history_of_this_company_exists(self):
        """The records the next tests hide exist, and this company's own
        collections user reads them."""
        for model, records in self.records.items():
            self.assertTrue(records, model)
            self.assertEqual(records.mapped('company_id'), self.company,
                             model)
            self.assertEqual(
                self.env[model].sudo(self.clerk).search(
                    [('id', 'in', records.ids)]), records, model)
        self.assertEqual(
            self.records['payment.reminder.log'].mapped('stage_id'),
            self.stages[11] | self.stages[1] | self.stages[-3])
        self.assertTrue(self.records['late.fee.charge'].fee_invoice_id)

    def test_user_of_another_company_reads_nothing(self):
        for user in (self.other_user, self.both_user):
            for model, records in self.records.items():
                as_user = self.env[model].sudo(user)
                self.assertFalse(as_user.search([]) & records,
                                 '%s sees %s' % (user.login, model))
                self.assertFalse(
                    as_user.search([('id', 'in', records.ids)]), model)
                with self.assertRaises(AccessError, msg=model):
                    as_user.browse(records.ids).read(['company_id'])
                self.assertFalse(as_user.read_group(
                    [], ['company_id'], ['company_id']), model)

    def test_reminder_history_on_the_invoice_hidden(self):
        """Through the invoice's own menus: the Reminder History action
        lists none of the other company's rows."""
        logs = self.env['payment.reminder.log'].sudo(self.other_user)
        self.assertEqual(logs.search_count(
            [('partner_id', '=', self.late.commercial_partner_id.id)]), 0)

    def test_user_switching_to_the_company_reads_it(self):
        self.both_user.company_id = self.company
        for model, records in self.records.items():
            self.assertEqual(
                self.env[model].sudo(self.both_user).search(
                    [('id', 'in', records.ids)]), records, model)
