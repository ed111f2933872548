# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collections buttons and list actions called the way the web client
calls them: ``odoo.api.call_kw(model, method, [ids, context], {})`` with the
context of the action that opened the record (Customer Invoices, or the
addon's Follow-up, whose ``default_type`` reaches whatever a button
creates), the action a button returns opened with the context the client
gives it, and its dialog's button clicked the same way. The day is fixed
through the context's ``late_payment_as_of`` (the day the form shows the
status for), never today."""
import re
from inspect import getargspec

from lxml import etree

from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.tools.safe_eval import safe_eval

from .common import ReminderCase

CUSTOMER_INVOICES = 'account.action_invoice_tree1'
FOLLOW_UP = 'customer_invoicing_flow.account_invoice_follow_up_action'
# what the web client drops from the calling context before opening the
# action a button returned (view_manager.js, do_execute_action)
DROPPED = re.compile(r'^(?:(?:default_|search_default_|show_).+|.+_view_ref'
                     r'|group_by|group_by_no_leaf|active_id|active_ids)$')


class WebClientCase(ReminderCase):
    """ReminderCase's PDF stub saves each record's PDF as an attachment as
    production does (``_post_pdf``), in the caller's context, where an
    action's ``default_type`` breaks it."""

    def action_context(self, xmlid, as_of, user=None):
        """The context the web client sends from a record opened through
        the action ``xmlid``: the user's context, then the action's."""
        user = user or self.clerk
        action = self.env.ref(xmlid)
        context = dict(user.context_get())
        context.update(safe_eval(action.context or '{}', {
            'uid': user.id, 'active_id': False, 'active_ids': []}))
        context['late_payment_as_of'] = as_of
        return context

    def click(self, records, method, context, user=None):
        """An object button of ``records``' form or list, as ``user``."""
        model = self.env[records._name].sudo(user or self.clerk)
        return call_kw(model, method, [records.ids, context], {})

    def follow(self, action, context, records):
        """The context of the dialog the web client opens for ``action``
        returned by a button clicked on ``records`` with ``context``."""
        self.assertIsInstance(action, dict)
        following = {key: value for key, value in context.items()
                     if not DROPPED.match(key)}
        following['active_model'] = records._name
        if len(records) == 1:
            following.update(active_id=records.id, active_ids=records.ids)
        following.update(action.get('context') or {})
        return following

    def open_window_action(self, xmlid, records, context, user=None):
        """A type="action" button (or a list's Action menu entry) opening
        the wizard of ``xmlid``: its defaults as the form loads them.
        Returns (wizard model as ``user``, the dialog's context)."""
        action = self.env.ref(xmlid)
        dialog = dict(context, active_model=records._name,
                      active_ids=records.ids, active_id=records[:1].id)
        dialog.update(safe_eval(action.context or '{}', {
            'uid': (user or self.clerk).id}))
        return self.env[action.res_model].sudo(user or self.clerk), dialog

    def create_wizard(self, model, context, values):
        """Save the dialog: default_get then create, as the form does."""
        defaults = call_kw(model, 'default_get',
                           [list(model._fields)], {'context': context})
        defaults.update(values)
        wizard_id = call_kw(model, 'create', [defaults],
                            {'context': context})
        return model.browse(wizard_id)

    def write_wizard(self, model, wizard_id, context, values):
        call_kw(model, 'write', [[wizard_id], values], {'context': context})

    def result_message(self, action):
        self.assertEqual(action['res_model'], 'collections.result.wizard')
        return self.env['collections.result.wizard'].browse(
            action['res_id']).message


class TestChargeLateFeeButton(WebClientCase):
    """Defect 1: the web client's context landed in ``as_of``."""

    def test_from_customer_invoices_and_follow_up(self):
        for xmlid in (CUSTOMER_INVOICES, FOLLOW_UP):
            invoice = self.invoice_for('CIF Fee %s' % xmlid)
            context = self.action_context(xmlid, '2023-04-11')
            action = self.click(invoice, 'action_charge_late_fee', context)
            fee = self.Invoice.browse(action['res_id'])
            self.assertEqual(fee.late_fee_origin_id, invoice)
            self.assertEqual(fee.amount_total, 40.0)
            self.assertEqual(fee.date_invoice, '2023-04-11')
            self.assertEqual(fee.state, 'open')
            self.assertEqual(invoice.late_fee_charge_ids.date, '2023-04-11')
            # the dialog opening the fee invoice gets no stale default
            self.assertFalse([key for key in self.follow(
                action, context, invoice) if key.startswith('default_')])

    def test_nothing_due_is_a_clear_error(self):
        invoice = self.invoice_for('CIF Fee in grace')
        context = self.action_context(FOLLOW_UP, '2023-04-05')
        with self.assertRaisesRegex(UserError, 'No late fee is due'):
            self.click(invoice, 'action_charge_late_fee', context)

    def test_refused_to_others(self):
        invoice = self.invoice_for('CIF Fee refused')
        context = self.action_context(FOLLOW_UP, '2023-04-11',
                                      self.salesperson)
        with self.assertRaises(AccessError):
            self.click(invoice, 'action_charge_late_fee', context,
                       self.salesperson)
        self.assertFalse(invoice.late_fee_invoice_ids)

    def test_python_api_keywords(self):
        invoice = self.invoice_for('CIF Fee API')
        action = invoice.sudo(self.clerk).action_charge_late_fee(
            as_of='2023-04-11')
        self.assertEqual(self.Invoice.browse(action['res_id']).amount_total,
                         40.0)
        with self.assertRaises(TypeError):
            invoice.action_charge_late_fee('2023-04-12')
        with self.assertRaisesRegex(UserError, 'Not a date'):
            invoice.action_charge_late_fee(as_of='yesterday')


class TestSendReminderButton(WebClientCase):
    """Defects 2 and 3: Send Reminder Now from Follow-up, and what it
    sends: the stage due now, never a later one, never a false claim."""

    def send(self, invoices, context, mode=None, method=None):
        """Click Send Reminder Now (the form's button for one invoice, the
        list action's method for several), maybe choose ``mode``, then
        Send. Returns (the confirmation wizard, the result's message)."""
        method = method or ('action_send_reminder_now' if len(invoices) == 1
                            else 'action_send_reminder_now_multi')
        action = self.click(invoices, method, context)
        self.assertEqual(action['res_model'], 'payment.reminder.send.wizard')
        dialog = self.follow(action, context, invoices)
        Wizard = self.env[action['res_model']].sudo(self.clerk)
        wizard = Wizard.browse(action['res_id'])
        if mode:
            self.write_wizard(Wizard, wizard.id, dialog, {'mode': mode})
        wizard.invalidate_cache()
        summary = wizard.summary
        result = call_kw(Wizard, 'action_confirm', [wizard.ids, dialog], {})
        return summary, self.result_message(result)

    def test_from_follow_up_sends_the_stage_due(self):
        """Follow-up's default_type must not reach the attachments."""
        invoice = self.invoice_for('CIF Whiskey')
        context = self.action_context(FOLLOW_UP, '2023-04-01')
        self.assertEqual(context.get('default_type'), 'out_invoice')
        summary, message = self.send(invoice, context)
        self.assertIn('stage "Due"', summary)
        self.assertIn('Email "', summary)
        mail = self.mails(invoice)
        self.assertEqual(len(mail), 1)
        self.assertIn('payment reminder', mail.subject)
        self.assertEqual(mail.attachment_ids.mapped('type'), ['binary'])
        # the invoice's PDF saved as its attachment, as in production
        saved = self.env['ir.attachment'].search([
            ('res_model', '=', 'account.invoice'),
            ('res_id', '=', invoice.id)])
        self.assertEqual(saved.mapped('type'), ['binary'])
        self.assertEqual(
            sorted((log.stage_id.day_offset, log.state)
                   for log in self.logs(invoice)),
            [(-3, 'skipped'), (1, 'done')])
        self.assertIn('1 reminder email(s) sent', message)
        self.assertEqual(self.logs(invoice).mapped('date'),
                         ['2023-04-01', '2023-04-01'])

    def test_from_customer_invoices(self):
        invoice = self.invoice_for('CIF Xenia')
        context = self.action_context(CUSTOMER_INVOICES, '2023-04-01')
        self.send(invoice, context)
        self.assertEqual(len(self.mails(invoice)), 1)

    def test_in_grace_sends_no_fee_notice(self):
        """Day 5, the day-1 reminder sent: no stage is due. Nothing is
        sent in the "due" mode; the fee notice (day 11) never goes early."""
        invoice = self.invoice_for('CIF Yara')
        self.run_day('2023-04-01')
        context = self.action_context(FOLLOW_UP, '2023-04-05')
        action = self.click(invoice, 'action_send_reminder_now', context)
        wizard = self.env[action['res_model']].browse(action['res_id'])
        self.assertFalse(wizard.due_available)
        self.assertEqual(wizard.mode, 'resend')
        # the clerk picks "the reminder due now": the form's onchange
        Wizard = wizard.sudo(self.clerk)
        spec = Wizard._onchange_spec()
        values = {'invoice_ids': [(6, 0, invoice.ids)],
                  'date': '2023-04-05', 'mode': 'due',
                  'due_available': False, 'resend_available': True,
                  'summary': False}
        dialog = self.follow(action, context, invoice)
        summary = call_kw(Wizard, 'onchange', [
            wizard.ids, values, 'mode', spec], {'context': dialog}
        )['value']['summary']
        self.assertIn('No reminder is due', summary)
        self.assertIn('next reminder "Late" on 04/11/2023', summary)
        self.write_wizard(Wizard, wizard.id, dialog, {'mode': 'due'})
        before = self.snapshot(invoice)
        call_kw(wizard.sudo(self.clerk), 'action_confirm',
                [wizard.ids, self.follow(action, context, invoice)], {})
        self.assertEqual(self.snapshot(invoice), before)
        self.assertFalse(invoice.late_fee_invoice_ids)

    def test_day_twenty_does_not_jump_to_the_final_notice(self):
        invoice = self.invoice_for('CIF Zulu')
        for day in ('2023-03-28', '2023-04-01', '2023-04-11'):
            self.run_day(day)
        context = self.action_context(FOLLOW_UP, '2023-04-20')
        before_mails = self.mails(invoice)
        summary, message = self.send(invoice, context)
        # nothing due: the last reminder is sent again, nothing else
        self.assertIn('sent again', message)
        self.assertNotIn('Final', summary)
        mail = self.mails(invoice) - before_mails
        self.assertEqual(len(mail), 1)
        self.assertIn('overdue invoices', mail.subject)
        self.assertFalse(self.activities(invoice, self.call))
        self.assertEqual(len(invoice.late_fee_invoice_ids), 1)
        self.assertFalse(invoice.commercial_partner_id.credit_hold)
        # logged as a resend of the late notice; its log stays unique
        late_log = self.logs(invoice).filtered(
            lambda log: log.stage_id == self.stages[11])
        self.assertEqual(len(late_log), 1)
        self.assertEqual(late_log.resend_ids.mail_id, mail)
        self.assertEqual(late_log.resend_ids.date, '2023-04-20')
        self.assertEqual(late_log.resend_ids.user_id, self.clerk)
        self.assertEqual(
            sorted(self.logs(invoice).mapped('stage_id.day_offset')),
            [-3, 1, 11])
        # the final notice still comes on its day
        self.run_day('2023-04-30')
        self.assertIn('final notice', self.mails(invoice)[-1].subject)

    def test_due_stage_with_fee_says_what_happens(self):
        invoice = self.invoice_for('CIF Alfa Fee')
        self.run_day('2023-04-01')
        context = self.action_context(FOLLOW_UP, '2023-04-11')
        summary, message = self.send(invoice, context)
        self.assertIn('stage "Late"', summary)
        self.assertIn('Late fee of', summary)
        self.assertIn('40.00', summary)
        self.assertIn('charged on %s' % invoice.number, summary)
        fee = invoice.late_fee_invoice_ids
        self.assertEqual(fee.amount_total, 40.0)
        self.assertEqual(fee.date_invoice, '2023-04-11')
        self.assertIn('1 late fee(s) charged', message)
        self.assertEqual(len(self.mails(invoice)), 2)

    def test_final_stage_announces_activity_and_credit_hold(self):
        invoice = self.invoice_for('CIF Bravo Hold')
        for day in ('2023-04-01', '2023-04-11', '2023-04-30'):
            self.run_day(day)
        context = self.action_context(FOLLOW_UP, '2023-05-15')
        summary, _message = self.send(invoice, context)
        self.assertIn('is put on credit hold', summary)
        self.assertTrue(invoice.commercial_partner_id.credit_hold)
        invoice2 = self.invoice_for('CIF Charlie Call')
        self.run_day('2023-04-11')
        summary, _message = self.send(
            invoice2, self.action_context(FOLLOW_UP, '2023-04-30'))
        self.assertIn('Activity "Call"', summary)
        self.assertEqual(len(self.activities(invoice2, self.call)), 1)

    def test_statement_of_open_invoices(self):
        customer = self.create_customer('CIF Delta Statement')
        first = self.create_invoice(100.0, partner=customer,
                                    policy=self.policy)
        second = self.create_invoice(250.0, partner=customer,
                                     policy=self.policy,
                                     date_due='2023-04-15')
        self.run_day('2023-04-01')
        logs = self.logs(first | second).ids
        context = self.action_context(FOLLOW_UP, '2023-04-05')
        summary, message = self.send(first, context, mode='statement')
        self.assertIn('2 open invoice(s)', summary)
        mail = self.env['mail.mail'].search([
            ('model', '=', 'account.invoice'), ('res_id', '=', first.id),
            ('subject', 'like', 'statement of your open invoices')])
        self.assertEqual(len(mail), 1)
        self.assertIn(first.number, mail.body_html)
        self.assertIn(second.number, mail.body_html)
        self.assertEqual(mail.recipient_ids, customer)
        self.assertIn('Statement of 2 open invoice(s)', message)
        self.assertEqual(self.logs(first | second).ids, logs)

    def test_list_action_one_email_per_customer_and_stage(self):
        customer = self.create_customer('CIF Echo List')
        invoices = self.create_invoice(100.0, partner=customer,
                                       policy=self.policy) \
            | self.create_invoice(200.0, partner=customer,
                                  policy=self.policy)
        other = self.invoice_for('CIF Foxtrot List')
        held = self.invoice_for('CIF Golf List')
        held.action_payment_hold('Disputed', date='2023-03-20')
        selected = invoices | other | held
        context = self.action_context(FOLLOW_UP, '2023-04-01')
        server_action = self.env.ref(
            'customer_invoicing_flow.account_invoice_action_send_reminder')
        action = server_action.sudo(self.clerk).with_context(
            context, active_model='account.invoice',
            active_ids=selected.ids, active_id=selected[0].id).run()
        self.assertEqual(action['res_model'], 'payment.reminder.send.wizard')
        wizard = self.env[action['res_model']].browse(action['res_id'])
        self.assertIn('on payment hold', wizard.summary)
        result = call_kw(wizard.sudo(self.clerk), 'action_confirm',
                         [wizard.ids, self.follow(action, context,
                                                  selected)], {})
        message = self.result_message(result)
        self.assertIn('2 reminder email(s) sent', message)
        self.assertEqual(len(self.mails(invoices)), 1)
        self.assertIn('2 invoices', self.mails(invoices).subject)
        self.assertEqual(len(self.mails(other)), 1)
        self.assertFalse(self.mails(held))

    def test_refused_to_others_and_on_hold(self):
        invoice = self.invoice_for('CIF Hotel Refused')
        context = self.action_context(FOLLOW_UP, '2023-04-01',
                                      self.salesperson)
        with self.assertRaises(AccessError):
            self.click(invoice, 'action_send_reminder_now', context,
                       self.salesperson)
        invoice.action_payment_hold('Disputed', date='2023-03-30')
        with self.assertRaisesRegex(UserError, 'on payment hold'):
            self.click(invoice, 'action_send_reminder_now',
                       self.action_context(FOLLOW_UP, '2023-04-01'))


class TestPaymentHoldButtons(WebClientCase):
    """Defect 4: released today is not on hold today."""

    def test_release_today_from_follow_up(self):
        invoice = self.invoice_for('CIF India Hold')
        context = self.action_context(FOLLOW_UP, '2023-04-12')
        Wizard, dialog = self.open_window_action(
            'customer_invoicing_flow.late_payment_hold_wizard_action',
            invoice, context)
        wizard = self.create_wizard(Wizard, dialog, {'reason': 'Disputed'})
        self.assertFalse(wizard.release)
        self.assertEqual(wizard.date, '2023-04-12')
        call_kw(Wizard, 'action_confirm', [wizard.ids, dialog], {})
        self.assertTrue(invoice.payment_hold)
        as_of = self.Invoice.with_context(late_payment_as_of='2023-04-20')
        self.assertIn(invoice, as_of.search(
            [('payment_hold', '=', True)]))

        context = self.action_context(FOLLOW_UP, '2023-04-20')
        release = self.env.ref(
            'customer_invoicing_flow.late_payment_release_wizard_action')
        self.assertEqual(release.name, 'Release Payment Hold')
        Wizard, dialog = self.open_window_action(
            'customer_invoicing_flow.late_payment_release_wizard_action',
            invoice, context)
        wizard = self.create_wizard(Wizard, dialog, {'reason': 'Settled'})
        self.assertTrue(wizard.release)
        call_kw(Wizard, 'action_confirm', [wizard.ids, dialog], {})
        self.assertFalse(invoice.payment_hold)
        hold = invoice.payment_hold_ids
        self.assertEqual((hold.date_start, hold.date_end, hold.release_date),
                         ('2023-04-12', '2023-04-19', '2023-04-20'))
        # not on hold from the release day on: late, in the Late filter
        self.assertEqual(self.as_of(invoice, '2023-04-20')
                         .late_payment_state, 'late')
        self.assertIn(invoice, as_of.search(
            [('late_payment_state', '=', 'late')]))
        self.assertNotIn(invoice, as_of.search(
            [('payment_hold', '=', True)]))
        self.assertNotIn(invoice, as_of.search(
            [('late_payment_state', '=', 'on_hold')]))
        self.assertEqual(self.as_of(invoice, '2023-04-19')
                         .late_payment_state, 'on_hold')

    def test_release_the_day_it_started_holds_no_day(self):
        policy = self.create_policy('CIF interest', interest_rate=36.5)
        invoice = self.create_invoice(1000.0, policy=policy,
                                      partner=self.create_customer('CIF J'))
        invoice.sudo(self.clerk).action_payment_hold(
            'Oops', date='2023-04-10')
        invoice.sudo(self.clerk).action_payment_release(
            date='2023-04-10', reason='Wrong invoice')
        self.assertEqual(self.as_of(invoice, '2023-04-10')
                         .late_payment_state, 'late')
        fee = invoice.sudo(self.clerk).action_charge_late_fee(
            as_of='2023-04-10')
        charge = invoice.late_fee_charge_ids
        self.assertEqual((charge.hold_days, charge.interest_days), (0, 10))
        self.assertEqual(self.Invoice.browse(fee['res_id']).amount_total,
                         10.0)
        with self.assertRaisesRegex(UserError, 'cannot be released before'):
            invoice.action_payment_hold('Again', date='2023-04-12')
            invoice.action_payment_release(date='2023-04-11')

    def test_list_action_put_on_hold_says_what_was_done(self):
        first = self.invoice_for('CIF Kilo Hold')
        second = self.invoice_for('CIF Lima Hold')
        second.action_payment_hold('Earlier', date='2023-04-01')
        context = self.action_context(FOLLOW_UP, '2023-04-12')
        Wizard, dialog = self.open_window_action(
            'customer_invoicing_flow.late_payment_hold_wizard_action_multi',
            first | second, context)
        wizard = self.create_wizard(Wizard, dialog, {'reason': 'Audit'})
        result = call_kw(Wizard, 'action_confirm', [wizard.ids, dialog], {})
        message = self.result_message(result)
        self.assertIn('1 invoice(s) put on payment hold', message)
        self.assertIn('%s: already on payment hold' % second.number, message)
        self.assertTrue(first.payment_hold)
        self.assertEqual(second.payment_hold_reason, 'Earlier')


class TestChargeLateFeesListAction(WebClientCase):

    def test_says_what_was_charged_and_skipped(self):
        late = self.invoice_for('CIF Mike List')
        in_grace = self.invoice_for('CIF November List', due='2023-04-05')
        context = self.action_context(FOLLOW_UP, '2023-04-11')
        server_action = self.env.ref(
            'customer_invoicing_flow.account_invoice_action_charge_late_fee')
        action = server_action.sudo(self.clerk).with_context(
            context, active_model='account.invoice',
            active_ids=(late | in_grace).ids, active_id=late.id).run()
        message = self.result_message(action)
        self.assertIn('1 late fee(s) charged', message)
        self.assertIn('40.00', message)
        self.assertIn('%s: no late fee due' % in_grace.number, message)
        result = self.env['collections.result.wizard'].browse(
            action['res_id'])
        self.assertEqual(result.invoice_ids, late.late_fee_invoice_ids)
        self.assertFalse(in_grace.late_fee_invoice_ids)


class TestButtonsAudit(WebClientCase):
    """Every object button of the addon's views and wizards takes the
    context the web client passes (no positional parameter after the
    records), and the collections buttons hide where they make no sense."""

    def test_every_object_button_takes_the_web_client_context(self):
        data = self.env['ir.model.data'].search([
            ('module', '=', 'customer_invoicing_flow'),
            ('model', '=', 'ir.ui.view')])
        checked = set()
        for view in self.env['ir.ui.view'].browse(data.mapped('res_id')):
            for button in etree.fromstring(view.arch).iter('button'):
                if button.get('type') != 'object':
                    continue
                method = getattr(type(self.env[view.model]),
                                 button.get('name'))
                args = getargspec(method).args
                self.assertEqual(args, ['self'], '%s.%s' % (
                    view.model, button.get('name')))
                checked.add((view.model, button.get('name')))
        self.assertIn(('account.invoice', 'action_charge_late_fee'), checked)
        self.assertIn(('account.invoice', 'action_send_reminder_now'),
                      checked)

    def test_collections_buttons_hidden_before_due(self):
        arch = etree.fromstring(self.env['account.invoice'].sudo(
            self.clerk).fields_view_get(
                self.env.ref('account.invoice_form').id, 'form')['arch'])
        for name in ('action_charge_late_fee', 'action_send_reminder_now'):
            button = arch.xpath("//header/button[@name='%s']" % name)[0]
            self.assertIn('late_payment_state', button.get('modifiers'))
        arch = etree.fromstring(self.env['sale.order'].fields_view_get(
            self.env.ref('sale.view_order_form').id, 'form')['arch'])
        pending = arch.xpath("//field[@name='auto_invoice_pending']")[0]
        self.assertIn('auto_invoice_pending', pending.get('modifiers'))


class TestCreditHoldRefusal(WebClientCase):
    """The salesman's Confirm on a quotation of a customer on credit hold
    names every overdue invoice of the customer, not one."""

    def test_lists_every_overdue_invoice(self):
        customer = self.create_customer('CIF Oscar Hold')
        first = self.create_invoice(100.0, partner=customer,
                                    policy=self.policy)
        second = self.create_invoice(250.0, partner=customer,
                                     policy=self.policy,
                                     date_due='2023-04-20')
        self.run_day('2023-05-15')
        self.assertTrue(customer.credit_hold)
        product = self.create_product('CIF Hold Widget',
                                      invoice_policy='order')
        order = self.create_sale_order(customer, [(product, 1)],
                                       confirm=False)
        context = self.action_context('sale.action_quotations', '2023-05-16',
                                      self.salesperson)
        with self.assertRaises(UserError) as refusal:
            self.click(order, 'action_confirm', context, self.salesperson)
        message = refusal.exception.name
        self.assertIn('CIF Oscar Hold is on credit hold', message)
        self.assertIn(first.number, message)
        self.assertIn(second.number, message)
        self.assertEqual(order.state, 'draft')


class TestDeliveryChatter(WebClientCase):
    """The delivery validated by the warehouse names the invoice it went
    into, with a link."""

    def test_delivery_names_its_invoice(self):
        self.company.auto_invoice_on_delivery = 'posted'
        customer = self.create_customer('CIF Papa Delivery')
        product = self.create_product('CIF Delivered Widget', price=10.0)
        order = self.create_sale_order(customer, [(product, 5)])
        picking = self.open_picking(order)
        picking.action_assign()
        picking.move_line_ids.qty_done = 2
        context = self.action_context('stock.action_picking_tree_all',
                                      '2023-05-16', self.env.user)
        result = self.click(picking, 'button_validate', context,
                            self.env.user)
        self.assertEqual(result['res_model'], 'stock.backorder.confirmation')
        dialog = self.follow(result, context, picking)
        Backorder = self.env[result['res_model']]
        call_kw(Backorder, 'process', [[result['res_id']], dialog], {})
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.picking_ids, picking)
        note = picking.message_ids.filtered(
            lambda message: 'Invoiced in' in (message.body or ''))
        self.assertEqual(len(note), 1)
        self.assertIn('data-oe-model="account.invoice" data-oe-id="%d"'
                      % invoice.id, note.body)
        self.assertIn(invoice.number, note.body)
