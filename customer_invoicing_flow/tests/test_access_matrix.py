# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may do what: the access matrix of issue 14, one test per row (a
model, a button), one subTest per role (a column), with users holding
exactly the groups of their role.

Models: what the user's access rights allow (R read, W write, C create, D
delete), and a record read as the user when R is expected (record rules
included). Buttons: called as the web client calls them
(``call_kw(model, method, [ids, context], {})`` with the context of the
action that opened the record, the list actions through their server
action), allowed (it does its job) or refused (AccessError, nothing
written). The portal customer and the public visitor request the pages
through Odoo's WSGI application (see TestPortalAccessMatrix)."""
from contextlib import contextmanager

from odoo.api import call_kw
from odoo.exceptions import AccessError
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import LatePaymentCase, WsgiTestModeMixin, create_user, http_get

# each role's fixture role (see fixtures.ROLES: exactly these groups)
FIXTURE_ROLES = {'salesman': 'salesman', 'invoicing': 'invoicing',
                 'collections': 'collections',
                 'manager': 'collections_manager', 'portal': 'portal'}
ROLES = ('salesman', 'invoicing', 'collections', 'manager', 'portal',
         'public')
FOLLOW_UP = 'customer_invoicing_flow.account_invoice_follow_up_action'
AS_OF = '2023-05-01'


def row(*cells):
    """The cells of a row, in the order of ``ROLES``."""
    return dict(zip(ROLES, cells))


# -- models: the rights each role has (R/W/C/D) ------------------------------
MODEL_MATRIX = {
    'late.payment.policy': row('R', 'R', 'R', 'RWCD', '', ''),
    'late.payment.policy.stage': row('R', 'R', 'R', 'RWCD', '', ''),
    'late.fee.charge': row('R', 'R', 'RC', 'RC', '', ''),
    'late.payment.hold': row('R', 'R', 'RWC', 'RWCD', '', ''),
    'payment.reminder.log': row('R', 'R', 'R', 'RD', '', ''),
    'payment.reminder.resend': row('R', 'R', 'R', 'RD', '', ''),
    'collections.analysis': row('', '', 'R', 'R', '', ''),
    # the daily runs: accounting managers' (Configuration > Reminder Runs)
    'payment.reminder.run': row('', '', '', '', '', ''),
    'invoicing.health.finding': row('', 'R', 'R', 'R', '', ''),
}
OPERATIONS = (('R', 'read'), ('W', 'write'), ('C', 'create'),
              ('D', 'unlink'))

# -- buttons: allowed (True) or refused (False) ------------------------------
YES, NO = True, False
BUTTON_MATRIX = {
    # invoice form
    'charge_late_fee': row(NO, NO, YES, YES, NO, NO),
    'send_reminder_now': row(NO, NO, YES, YES, NO, NO),
    'payment_hold_wizard': row(NO, NO, YES, YES, NO, NO),
    'release_hold_wizard': row(NO, NO, YES, YES, NO, NO),
    'payment_hold_api': row(NO, NO, YES, YES, NO, NO),
    'payment_release_api': row(NO, NO, YES, YES, NO, NO),
    'write_payment_hold': row(NO, NO, YES, YES, NO, NO),
    'write_late_payment_terms': row(NO, NO, NO, NO, NO, NO),
    'cancel_fee_invoice': row(NO, NO, NO, YES, NO, NO),
    # invoice list (Action menu)
    'charge_late_fee_multi': row(NO, NO, YES, YES, NO, NO),
    'send_reminder_multi': row(NO, NO, YES, YES, NO, NO),
    'payment_hold_multi': row(NO, NO, YES, YES, NO, NO),
    # partner form
    'release_credit_hold': row(NO, NO, NO, YES, NO, NO),
    # policy form
    'policy_edit': row(NO, NO, NO, YES, NO, NO),
    'policy_archive': row(NO, NO, NO, YES, NO, NO),
    # Reporting > Collections
    'dashboard': row(NO, NO, YES, YES, NO, NO),
}


class AccessMatrixCase(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(AccessMatrixCase, cls).setUpClass()
        cls.users = {role: create_user(cls.env, fixture, 'AM %s' % role,
                                       login='am_%s' % role)
                     for role, fixture in FIXTURE_ROLES.items()}
        cls.users['public'] = cls.env.ref('base.public_user')
        cls.sale_journal.update_posted = True
        cls.policy = cls.create_policy(
            'CIF AM policy', grace_days=10, fee_fixed=40.0, stages=[])
        template = cls.env.ref(
            'customer_invoicing_flow.mail_template_reminder_due')
        cls.policy.write({'stage_ids': [
            (0, 0, {'name': 'Reminder', 'day_offset': 1,
                    'send_email': True, 'mail_template_id': template.id}),
            (0, 0, {'name': 'Fee', 'day_offset': 11, 'charge_fee': True}),
            (0, 0, {'name': 'Hold', 'day_offset': 20, 'credit_hold': True}),
        ]})
        # due 31 March 2023: the run of 25 April reminds, charges and puts
        # the customer on credit hold; the invoices made after it are late
        # with a fee due on 1 May
        cls.run_customer = cls.create_customer('CIF AM Run')
        cls.run_invoice = cls.create_invoice(
            900.0, partner=cls.run_customer, policy=cls.policy)
        cls.held = cls.create_invoice(500.0, policy=cls.policy)
        cls.held.action_payment_hold('Disputed', date='2023-04-02')
        cls.env['account.invoice']._cron_process_late_payments(
            as_of='2023-04-25', commit=False)
        cls.run_customer.invalidate_cache()
        assert cls.run_customer.credit_hold, 'the run put a credit hold'
        assert cls.run_invoice.reminder_log_ids
        cls.invoice = cls.create_invoice(1000.0, policy=cls.policy)
        cls.charged = cls.create_invoice(700.0, policy=cls.policy)
        cls.fee_invoice = cls.charged._charge_late_fee('2023-04-15')
        assert cls.fee_invoice.state == 'open'
        cls.samples = {
            'late.payment.policy': cls.policy,
            'late.payment.policy.stage': cls.policy.stage_ids,
            'late.fee.charge': cls.charged.late_fee_charge_ids,
            'late.payment.hold': cls.held.payment_hold_ids,
            'payment.reminder.log': cls.run_invoice.reminder_log_ids,
            'payment.reminder.resend': cls.env['payment.reminder.resend'],
            'payment.reminder.run': cls.env['payment.reminder.run'].search(
                [], limit=1),
            'invoicing.health.finding': cls.env[
                'invoicing.health.finding'].search([], limit=1),
            'collections.analysis': cls.env['collections.analysis'].search(
                [('invoice_id', 'in', cls.run_invoice.ids)]),
        }

    @contextmanager
    def rolled_back(self):
        """What the block writes is undone after it."""
        self.cr.execute('SAVEPOINT cif_access_matrix')
        try:
            yield
        finally:
            self.cr.execute('ROLLBACK TO SAVEPOINT cif_access_matrix')
            self.cr.execute('RELEASE SAVEPOINT cif_access_matrix')
            self.env['account.invoice'].invalidate_cache()

    def action_context(self, xmlid, user, **extra):
        """The context the web client sends from a record opened through
        the action ``xmlid``: the user's, then the action's."""
        context = dict(user.context_get())
        action = self.env.ref(xmlid)
        context.update(safe_eval(action.context or '{}', {'uid': user.id}))
        context.update(extra)
        return context

    def follow_up_context(self, user):
        return self.action_context(FOLLOW_UP, user,
                                   late_payment_as_of=AS_OF)

    def click(self, user, records, method, context, *args):
        model = self.env[records._name].sudo(user)
        return call_kw(model, method, [records.ids, context] + list(args),
                       {})

    def run_server_action(self, user, xmlid, records):
        action = self.env.ref(xmlid).sudo(user)
        return action.with_context(
            self.follow_up_context(user), active_model=records._name,
            active_id=records[:1].id, active_ids=records.ids).run()

    def open_wizard(self, user, xmlid, invoice, values):
        """Open the window action ``xmlid`` on ``invoice`` (one or more)
        and confirm it with ``values``, as the dialog does."""
        dialog = dict(self.follow_up_context(user), active_model=invoice._name,
                      active_id=invoice[:1].id, active_ids=invoice.ids)
        dialog.update(safe_eval(self.env.ref(xmlid).context or '{}'))
        Wizard = self.env['late.payment.hold.wizard'].sudo(user) \
            .with_context(**dialog)
        defaults = Wizard.default_get(list(Wizard._fields))
        defaults.update(values)
        wizard = Wizard.create(defaults)
        return call_kw(Wizard, 'action_confirm', [wizard.ids, dialog], {})


class TestModelAccessMatrix(AccessMatrixCase):
    """One test per model: the rights of each role."""

    def check_model(self, model):
        for role, expected in MODEL_MATRIX[model].items():
            user = self.users[role]
            with self.subTest(model=model, role=role):
                Model = self.env[model].sudo(user)
                granted = ''.join(
                    letter for letter, operation in OPERATIONS
                    if Model.check_access_rights(operation,
                                                 raise_exception=False))
                self.assertEqual(granted, expected)
                sample = self.samples[model].sudo(user)
                if not sample:
                    continue
                if 'R' in expected:
                    self.assertTrue(sample.read(['display_name']))
                else:
                    with self.assertRaises(AccessError):
                        sample.read(['display_name'])


def _model_test(model):
    def test(self):
        self.check_model(model)
    test.__name__ = 'test_model_%s' % model.replace('.', '_')
    test.__doc__ = 'Access rights on %s, per role.' % model
    return test


for _model in MODEL_MATRIX:
    setattr(TestModelAccessMatrix, 'test_model_%s' % _model.replace('.', '_'),
            _model_test(_model))


class TestButtonAccessMatrix(AccessMatrixCase):
    """One test per button: allowed or refused, per role. Each role's
    attempt is rolled back before the next."""

    def check_button(self, button):
        for role, allowed in BUTTON_MATRIX[button].items():
            user = self.users[role]
            with self.subTest(button=button, role=role), self.rolled_back():
                self.role = role
                check = getattr(self, 'do_%s' % button)
                if allowed:
                    check(user, True)
                else:
                    with mute_logger('odoo.models'):
                        check(user, False)

    def refused(self, call, *watched):
        """``call`` raises AccessError and leaves ``watched`` (a list of
        (records, field names)) as they were."""
        before = [records.read(names) for records, names in watched]
        # a refused request is rolled back, as the web client's
        with self.assertRaises(AccessError, msg=self.role), \
                self.cr.savepoint():
            call()
        self.env['account.invoice'].invalidate_cache()
        self.assertEqual([records.read(names) for records, names in watched],
                         before, self.role)

    # invoice form ---------------------------------------------------------
    def do_charge_late_fee(self, user, allowed):
        context = self.follow_up_context(user)
        call = lambda: self.click(  # noqa: E731
            user, self.invoice, 'action_charge_late_fee', context)
        if not allowed:
            return self.refused(call, (self.invoice, ['late_fee_invoice_ids',
                                                      'late_fee_charge_ids']))
        fee = self.env['account.invoice'].browse(call()['res_id'])
        self.assertEqual(fee.late_fee_origin_id, self.invoice)

    def do_send_reminder_now(self, user, allowed):
        context = self.follow_up_context(user)
        call = lambda: self.click(  # noqa: E731
            user, self.invoice, 'action_send_reminder_now', context)
        if not allowed:
            return self.refused(call, (self.invoice, ['reminder_log_ids']))
        action = call()
        Wizard = self.env[action['res_model']].sudo(user)
        call_kw(Wizard, 'action_confirm', [[action['res_id']], context], {})
        # the stage due on 1 May (day 20, the credit hold) is logged
        self.assertTrue(self.invoice.reminder_log_ids, self.role)

    def do_payment_hold_wizard(self, user, allowed):
        call = lambda: self.open_wizard(  # noqa: E731
            user, 'customer_invoicing_flow.late_payment_hold_wizard_action',
            self.invoice, {'reason': 'Disputed', 'date': AS_OF})
        if not allowed:
            return self.refused(call, (self.invoice, ['payment_hold']))
        call()
        self.assertTrue(self.invoice.payment_hold)

    def do_release_hold_wizard(self, user, allowed):
        call = lambda: self.open_wizard(  # noqa: E731
            user, 'customer_invoicing_flow.late_payment_release_wizard_action',
            self.held, {'reason': 'Settled', 'date': AS_OF})
        if not allowed:
            return self.refused(call, (self.held, ['payment_hold']),
                                (self.held.payment_hold_ids, ['date_end']))
        call()
        self.assertFalse(self.held.payment_hold)

    def do_payment_hold_api(self, user, allowed):
        # as XML-RPC calls it: action_payment_hold(ids, reason, date=...)
        Invoice = self.env['account.invoice'].sudo(user)
        call = lambda: call_kw(  # noqa: E731
            Invoice, 'action_payment_hold', [self.invoice.ids, 'Disputed'],
            {'date': AS_OF})
        if not allowed:
            return self.refused(call, (self.invoice, ['payment_hold']))
        call()
        self.assertTrue(self.invoice.payment_hold)

    def do_payment_release_api(self, user, allowed):
        Invoice = self.env['account.invoice'].sudo(user)
        call = lambda: call_kw(  # noqa: E731
            Invoice, 'action_payment_release', [self.held.ids],
            {'date': AS_OF, 'reason': 'Settled'})
        if not allowed:
            return self.refused(call, (self.held, ['payment_hold']))
        call()
        self.assertFalse(self.held.payment_hold)

    def do_write_payment_hold(self, user, allowed):
        # the field is read-only in the form, not for write() over RPC
        Invoice = self.env['account.invoice'].sudo(user)
        call = lambda: call_kw(  # noqa: E731
            Invoice, 'write', [self.held.ids, {'payment_hold': False,
                                               'payment_hold_reason': False}],
            {})
        if not allowed:
            return self.refused(call, (self.held, ['payment_hold']))
        call()
        self.assertFalse(self.held.payment_hold)

    def do_write_late_payment_terms(self, user, allowed):
        # the frozen terms change only with the policy (set by collections
        # staff), never written as such
        Invoice = self.env['account.invoice'].sudo(user)
        call = lambda: call_kw(  # noqa: E731
            Invoice, 'write', [self.invoice.ids,
                               {'late_payment_terms': '{"grace_days": 400}'}],
            {})
        self.refused(call, (self.invoice, ['late_payment_terms']))

    def do_cancel_fee_invoice(self, user, allowed):
        context = self.action_context('account.action_invoice_tree1', user)
        call = lambda: self.click(  # noqa: E731
            user, self.fee_invoice, 'action_invoice_cancel', context)
        if not allowed:
            return self.refused(call, (self.fee_invoice, ['state']))
        call()
        self.assertEqual(self.fee_invoice.state, 'cancel')

    # invoice list ---------------------------------------------------------
    def do_charge_late_fee_multi(self, user, allowed):
        call = lambda: self.run_server_action(  # noqa: E731
            user, 'customer_invoicing_flow.'
            'account_invoice_action_charge_late_fee', self.invoice)
        if not allowed:
            return self.refused(call, (self.invoice, ['late_fee_invoice_ids']))
        self.assertEqual(call()['res_model'], 'collections.result.wizard')
        self.assertTrue(self.invoice.late_fee_invoice_ids)

    def do_send_reminder_multi(self, user, allowed):
        call = lambda: self.run_server_action(  # noqa: E731
            user, 'customer_invoicing_flow.account_invoice_action_send_reminder',
            self.invoice)
        if not allowed:
            return self.refused(call)
        self.assertEqual(call()['res_model'], 'payment.reminder.send.wizard')

    def do_payment_hold_multi(self, user, allowed):
        invoices = self.invoice | self.charged
        call = lambda: self.open_wizard(  # noqa: E731
            user, 'customer_invoicing_flow.'
            'late_payment_hold_wizard_action_multi', invoices,
            {'reason': 'Disputed', 'date': AS_OF})
        if not allowed:
            return self.refused(call, (invoices, ['payment_hold']))
        self.assertEqual(call()['res_model'], 'collections.result.wizard')
        self.assertEqual(invoices.mapped('payment_hold'), [True, True])

    # partner form ---------------------------------------------------------
    def do_release_credit_hold(self, user, allowed):
        context = self.action_context('base.action_partner_form', user)
        call = lambda: self.click(  # noqa: E731
            user, self.run_customer, 'action_release_credit_hold', context)
        if not allowed:
            return self.refused(call, (self.run_customer, ['credit_hold']))
        call()
        self.assertFalse(self.run_customer.credit_hold)

    # policy form ----------------------------------------------------------
    def do_policy_edit(self, user, allowed):
        Policy = self.env['late.payment.policy'].sudo(user)
        call = lambda: call_kw(  # noqa: E731
            Policy, 'write', [self.policy.ids, {'fee_fixed': 10.0}], {})
        if not allowed:
            return self.refused(call, (self.policy, ['fee_fixed']))
        call()
        self.assertEqual(self.policy.fee_fixed, 10.0)

    def do_policy_archive(self, user, allowed):
        context = self.action_context(
            'customer_invoicing_flow.late_payment_policy_action', user)
        call = lambda: self.click(  # noqa: E731
            user, self.policy, 'toggle_active', context)
        if not allowed:
            return self.refused(call, (self.policy, ['active']))
        call()
        self.assertFalse(self.policy.active)

    # dashboard ------------------------------------------------------------
    def do_dashboard(self, user, allowed):
        """The dashboard as the web client opens it (default_get, then the
        onchange computing its figures), and its buttons."""
        Dashboard = self.env['collections.dashboard'].sudo(user)

        def call():
            values = Dashboard.default_get(list(Dashboard._fields))
            values.update(date_from='2023-01-01', date_to='2023-12-31')
            dashboard = Dashboard.create(values)
            return (dashboard.read(['receivables', 'late_invoice_count',
                                    'top_late_html'])[0],
                    call_kw(Dashboard, 'action_open_late',
                            [dashboard.ids, {}], {}))
        if not allowed:
            return self.refused(call)
        values, action = call()
        self.assertGreater(values['receivables'], 0)
        self.assertEqual(action['res_model'], 'collections.analysis')


def _button_test(button):
    def test(self):
        self.check_button(button)
    test.__name__ = 'test_button_%s' % button
    test.__doc__ = 'Button %s, per role.' % button
    return test


for _button in BUTTON_MATRIX:
    setattr(TestButtonAccessMatrix, 'test_button_%s' % _button,
            _button_test(_button))


class TestPortalAccessMatrix(WsgiTestModeMixin, AccessMatrixCase):
    """The pages of the portal: the customer's invoice list, an invoice's
    page and PDF, its fee invoice; as the portal customer (their own; the
    other customer's), as a visitor with the invoice's token, with a wrong
    one and with none, and as internal users (their backend rights)."""

    @classmethod
    def _setup_test_mode_class(cls):
        cls.users['portal'].partner_id = cls.customer
        cls.other = cls.create_customer('CIF AM Other')
        cls.other_invoice = cls.create_invoice(300.0, partner=cls.other,
                                               policy=cls.policy)

    def visit(self, url, role):
        user = self.users[role]
        return http_get(self.env, url, None if role == 'public' else user)

    def assert_page(self, response, allowed, invoice=None):
        if allowed:
            self.assertEqual(response.status_code, 200)
            if invoice is not None:
                self.assertIn(invoice.number.encode(), response.data)
        else:
            # Odoo's portal answers a refusal with a redirect (to /my, or
            # to the login page)
            self.assertIn(response.status_code, (302, 303))
            if invoice is not None:
                self.assertNotIn(invoice.number.encode(), response.data)

    def test_portal_own_invoice(self):
        url = '/my/invoices/%d' % self.invoice.id
        response = self.visit(url, 'portal')
        self.assert_page(response, True, self.invoice)
        self.assertIn(b'o_late_payment_state_late', response.data)
        self.assert_page(self.visit(
            '/my/invoices/pdf/%d' % self.invoice.id, 'portal'), True)
        # the fee invoice, in the list and on its own page
        response = self.visit('/my/invoices', 'portal')
        self.assert_page(response, True, self.fee_invoice)
        self.assertNotIn(self.other_invoice.number.encode(), response.data)
        self.assert_page(self.visit(
            '/my/invoices/%d' % self.fee_invoice.id, 'portal'), True,
            self.fee_invoice)

    def test_portal_other_customers_invoice(self):
        self.assert_page(self.visit(
            '/my/invoices/%d' % self.other_invoice.id, 'portal'), False,
            self.other_invoice)
        self.assert_page(self.visit(
            '/my/invoices/pdf/%d' % self.other_invoice.id, 'portal'), False,
            self.other_invoice)

    def test_public_with_and_without_token(self):
        invoice = self.invoice
        token = invoice.access_token
        for suffix, allowed in (('?access_token=%s' % token, True),
                                ('?access_token=%s' % ('0' * len(token)),
                                 False),
                                ('', False)):
            with self.subTest(token=suffix):
                self.assert_page(self.visit(
                    '/my/invoices/%d%s' % (invoice.id, suffix), 'public'),
                    allowed, invoice if not allowed else None)
                self.assert_page(self.visit(
                    '/my/invoices/pdf/%d%s' % (invoice.id, suffix),
                    'public'), allowed)
        # what the token opens: the late-payment state and note
        response = self.visit('/my/invoices/%d?access_token=%s' % (
            invoice.id, token), 'public')
        self.assertIn(b'o_late_payment_state_late', response.data)
        self.assertIn(invoice.number.encode(), response.data)
