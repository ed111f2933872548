# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collections staff's buttons on invoices: payment hold and release,
Send Reminder Now; and the helpers every button shares."""
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date, formatLang

from ..button_api import web_button, without_defaults


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    @api.multi
    @web_button
    def action_payment_hold(self, reason, *, date=None):
        """Put the open invoices on payment hold from ``date`` (default
        today): ``date`` is the first day on hold.

        Python API: ``action_payment_hold(reason, date=...)``."""
        self._check_collections_user()
        invoices = self._without_action_defaults()
        date = invoices._button_date(date)
        reason = (reason or '').strip()
        if not reason:
            raise UserError(_("Give the reason of the payment hold."))
        for invoice in invoices:
            if invoice.payment_hold:
                raise UserError(_("Invoice %s is already on payment hold.")
                                % invoice.number)
            if invoice.type != 'out_invoice' or invoice.state != 'open':
                raise UserError(_(
                    "Invoice %s: only an open customer invoice can be put "
                    "on payment hold.") % (invoice.number
                                           or invoice.display_name))
        for invoice in invoices:
            self.env['late.payment.hold'].create({
                'invoice_id': invoice.id, 'date_start': date,
                'reason': reason})
            invoice.write({'payment_hold': True,
                           'payment_hold_reason': reason})
            invoice.message_post(body=_(
                "Payment hold from %(date)s: %(reason)s") % {
                    'date': format_date(self.env, date), 'reason': reason})
        return True

    @api.multi
    @web_button
    def action_payment_release(self, *, date=None, reason=None):
        """Release the payment hold on ``date`` (default today): the
        invoice is no longer on hold from that day on, so it accrues
        interest and is reminded again from ``date``; the hold period ends
        the day before (its ``date_end`` is the last day on hold). A hold
        released the day it started holds no day.

        Python API: ``action_payment_release(date=..., reason=...)``."""
        self._check_collections_user()
        invoices = self._without_action_defaults()
        date = invoices._button_date(date)
        last_day = fields.Date.to_string(
            fields.Date.from_string(date) - timedelta(days=1))
        holds = self.env['late.payment.hold'].search([
            ('invoice_id', 'in', invoices.ids), ('date_end', '=', False)])
        for hold in holds:
            if hold.date_start > date:
                raise UserError(_(
                    "The payment hold of invoice %(invoice)s starts on "
                    "%(start)s: it cannot be released before, on "
                    "%(date)s.") % {
                        'invoice': hold.invoice_id.number,
                        'start': format_date(self.env, hold.date_start),
                        'date': format_date(self.env, date)})
        holds.write({'date_end': last_day, 'release_date': date,
                     'release_user_id': self.env.uid,
                     'release_reason': reason})
        for invoice in invoices.filtered('payment_hold'):
            hold_reason = invoice.payment_hold_reason
            invoice.write({'payment_hold': False,
                           'payment_hold_reason': False})
            values = {'date': format_date(self.env, date),
                      'release': reason, 'reason': hold_reason}
            if reason:
                body = _("Payment hold released on %(date)s: %(release)s "
                         "(hold reason was: %(reason)s)") % values
            else:
                body = _("Payment hold released on %(date)s (reason "
                         "was: %(reason)s)") % values
            invoice.message_post(body=body)
        return True

    @api.multi
    def action_send_reminder_now(self):
        """Show what the reminder due now would do and ask to confirm (the
        form's button): see ``payment.reminder.send.wizard``."""
        self.ensure_one()
        return self.action_send_reminder_now_multi()

    @api.multi
    def action_send_reminder_now_multi(self):
        """The same for the selected invoices (list action): one email per
        customer and stage. Invoices that cannot be reminded are listed
        with the reason; when none can, the reasons are the answer."""
        self._check_collections_user()
        return self.env['payment.reminder.send.wizard']._open_for(
            self._without_action_defaults())

    @api.multi
    def _reminder_refusal(self):
        """Why this invoice cannot be reminded now, or False."""
        self.ensure_one()
        if self.type != 'out_invoice' or self.state != 'open' \
                or not self.late_payment_policy_id:
            return _("Invoice %s: only an open invoice with a late-payment "
                     "policy can be reminded.") % (
                         self.number or self.display_name)
        if self.payment_hold:
            return _("Invoice %s is on payment hold: release it before "
                     "sending a reminder.") % self.number
        if self.commercial_partner_id.no_payment_reminders:
            return _("Invoice %(invoice)s: %(customer)s is opted out of "
                     "payment reminders.") % {
                         'invoice': self.number,
                         'customer': self.commercial_partner_id.name}
        return False

    @api.model
    def _amounts_text(self, invoices, field='amount_total'):
        """The sum of ``field`` (the total; ``'residual'``: the amount due)
        of ``invoices`` per currency, e.g. "$ 80.00, 12.00 €"."""
        totals = {}
        for invoice in invoices:
            totals.setdefault(invoice.currency_id, 0.0)
            totals[invoice.currency_id] += invoice[field]
        return ', '.join(formatLang(self.env, amount, currency_obj=currency)
                         for currency, amount in totals.items())

    @api.multi
    def _without_action_defaults(self):
        """These records without the ``default_*`` keys of the action that
        opened them (see :func:`..button_api.clean_context`)."""
        return without_defaults(self)

    @api.model
    def _button_date(self, value):
        """``value`` (ISO string or date) as an ISO date, or a clear error.
        Default: the day the form shows the late-payment status for (the
        context's ``late_payment_as_of``, else today)."""
        return self._as_of_day(value) or self._late_payment_as_of()

    @api.model
    def _check_collections_user(self):
        if not self.env.user.has_group(
                'customer_invoicing_flow.group_collections_user'):
            raise AccessError(_(
                "Only collections staff may send reminders, charge late "
                "fees or put invoices on hold."))
