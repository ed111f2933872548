# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo's accounting history, relative to the day it is built.

demo/customer_invoicing_flow_demo.xml creates the customers, policies,
products and sales orders, then calls ``_load_demo``. The rest needs a chart
of accounts, which a new database only gets after this addon is installed
(``account`` asks for the localisation, installed in a later pass): the
history is then built when the chart is loaded (see
models/account_chart_template.py), else at once.

The history is replayed day by day: each day's invoices, payments and holds
are recorded, then the daily reminder job runs for that day, so that every
stage fired on its own date, as if the addon had run all along.
"""
import logging
from datetime import datetime, time, timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

PENDING_PARAM = 'customer_invoicing_flow.demo_history'
XMLID = 'customer_invoicing_flow.%s'

# Back-dated customer invoices: key, customer, day of the invoice (relative
# to today), product, quantity, unit price, viewed by the customer.
# The payment term is 30 days net: due 30 days after the invoice.
INVOICES = [
    ('punctual_paid', 'res_partner_punctual_demo', -50,
     'product_standing_desk_demo', 2, 620.0, True),
    ('punctual_due_soon', 'res_partner_punctual_demo', -28,
     'product_office_chair_demo', 4, 249.0, True),
    ('punctual_not_due', 'res_partner_punctual_demo', -12,
     'product_desk_lamp_demo', 15, 45.0, False),
    ('slowpay_paid_late', 'res_partner_slowpay_demo', -70,
     'product_desk_lamp_demo', 30, 45.0, True),
    ('slowpay_final', 'res_partner_slowpay_demo', -55,
     'product_standing_desk_demo', 3, 620.0, True),
    ('slowpay_late', 'res_partner_slowpay_demo', -40,
     'product_office_chair_demo', 6, 249.0, False),
    ('slowpay_grace', 'res_partner_slowpay_demo', -33,
     'product_standing_desk_demo', 1, 620.0, True),
    ('overdue_credit_hold', 'res_partner_overdue_demo', -80,
     'product_standing_desk_demo', 4, 620.0, True),
    ('overdue_late', 'res_partner_overdue_demo', -50,
     'product_office_chair_demo', 10, 249.0, False),
    ('dispute_released', 'res_partner_dispute_demo', -65,
     'product_office_chair_demo', 3, 249.0, True),
    ('dispute_on_hold', 'res_partner_dispute_demo', -60,
     'product_standing_desk_demo', 2, 620.0, True),
    ('quiet_late', 'res_partner_quiet_demo', -50,
     'product_desk_lamp_demo', 40, 45.0, False),
    ('key_account_partial', 'res_partner_key_account_demo', -78,
     'product_office_chair_demo', 20, 249.0, True),
    ('key_account_grace', 'res_partner_key_account_demo', -50,
     'product_standing_desk_demo', 5, 620.0, True),
    ('sent_paid_late', 'res_partner_sent_mode_demo', -45,
     'product_desk_lamp_demo', 12, 45.0, True),
]
# Payments: invoice key, day, share of the amount due paid (1.0: all, with
# the late fees charged on it so far).
PAYMENTS = [
    ('punctual_paid', -22, 1.0),
    ('key_account_partial', -40, 0.5),
    ('slowpay_paid_late', -20, 1.0),
    ('sent_paid_late', -2, 1.0),
]
# Payment holds: invoice key, first held day, last held day (None: still
# on hold), reason.
HOLDS = [
    ('dispute_released', -30, -25,
     "Damaged chairs reported; replacement parts sent"),
    ('dispute_on_hold', -22, None,
     "Customer disputes the quantity delivered"),
]
# Sales orders confirmed by the demo data and delivered today.
DELIVERED_ORDERS = [
    'sale_order_punctual_demo', 'sale_order_slowpay_demo',
    'sale_order_draft_mode_demo', 'sale_order_sent_mode_demo',
    'sale_order_off_mode_demo',
]
# Languages installed by the demo, each given to the demo customers of its
# countries (and their contacts): country XML id, language code.
LANGUAGES = [
    ('base.fr', 'fr_FR'),
]


class CustomerInvoicingFlowDemo(models.AbstractModel):
    _name = 'customer.invoicing.flow.demo'
    _description = 'Customer invoicing flow demo data'

    @api.model
    def _load_demo(self):
        """Build the history now if the chart of accounts is there, else
        once it is loaded."""
        company = self.env.ref('base.main_company')
        if self._chart_ready(company):
            self._build_history(company)
        else:
            _logger.info("Demo history of customer_invoicing_flow waits "
                         "for a chart of accounts")
            self.env['ir.config_parameter'].sudo().set_param(
                PENDING_PARAM, 'pending')
        return True

    @api.model
    def _load_demo_languages(self):
        """Install each language of LANGUAGES with its translations, this
        addon's included (the module is still being installed, so Odoo
        would only load them after the demo data, too late for a history
        built at once), and give it to the demo customers of its
        countries and to their contacts."""
        data = self.env['ir.model.data'].search([
            ('module', '=', XMLID.split('.')[0]),
            ('model', '=', 'res.partner')])
        customers = self.env['res.partner'].browse(data.mapped('res_id'))
        module = self.env['ir.module.module'].search([
            ('name', '=', XMLID.split('.')[0])])
        for country_xmlid, lang in LANGUAGES:
            installed = self.env['res.lang'].search([('code', '=', lang)])
            if not installed:
                self.env['base.language.install'].create(
                    {'lang': lang}).lang_install()
            module._update_translations(lang)
            country = self.env.ref(country_xmlid)
            companies = customers.filtered(
                lambda partner: partner.commercial_partner_id.country_id
                == country).mapped('commercial_partner_id')
            (companies | companies.mapped('child_ids')).write({'lang': lang})
        return True

    @api.model
    def _load_pending_demo(self):
        params = self.env['ir.config_parameter'].sudo()
        company = self.env.ref('base.main_company')
        if params.get_param(PENDING_PARAM) == 'pending' \
                and self._chart_ready(company):
            self._build_history(company)
        return True

    @api.model
    def _chart_ready(self, company):
        Journal = self.env['account.journal']
        return bool(company.chart_template_id) and all(
            Journal.search_count([('type', '=', journal_type),
                                  ('company_id', '=', company.id)])
            for journal_type in ('sale', 'bank'))

    @api.model
    def _build_history(self, company):
        # mails into the queue, none sent during the installation, and no
        # "you have been assigned" email to the demo salesperson per invoice
        self = self.with_context(mail_notify_force_send=False,
                                 mail_auto_subscribe_no_notify=True)
        self.env['ir.config_parameter'].sudo().set_param(
            PENDING_PARAM, 'done')
        today = fields.Date.from_string(fields.Date.context_today(self))
        invoices = {}
        start = min(entry[2] for entry in INVOICES)
        for offset in range(start, 1):
            day = today + timedelta(days=offset)
            for entry in INVOICES:
                if entry[2] == offset:
                    invoices[entry[0]] = self._create_invoice(
                        company, entry, day)
            for key, first, last, reason in HOLDS:
                if first == offset:
                    invoices[key].action_payment_hold(
                        reason, date=fields.Date.to_string(day))
                if last == offset:
                    invoices[key].action_payment_release(
                        date=fields.Date.to_string(day))
            for key, pay_offset, share in PAYMENTS:
                if pay_offset == offset:
                    self._pay(company, invoices[key], share, day)
            # one transaction: the install's (no commit per batch)
            self.env['account.invoice']._cron_process_late_payments(
                as_of=fields.Date.to_string(day), commit=False)
        self._deliver([self.env.ref(XMLID % xmlid)
                       for xmlid in DELIVERED_ORDERS])
        _logger.info("Demo history of customer_invoicing_flow built: %d "
                     "invoices, %d reminder logs", len(invoices),
                     self.env['payment.reminder.log'].search_count([]))
        return invoices

    @api.model
    def _create_invoice(self, company, entry, day):
        """A customer invoice dated ``day``, validated, emailed that day and
        opened by the customer the next (when ``viewed``)."""
        _key, partner_xmlid, _offset, product_xmlid, qty, price, viewed = entry
        partner = self.env.ref(XMLID % partner_xmlid)
        product = self.env.ref(XMLID % product_xmlid)
        journal = self.env['account.journal'].search([
            ('type', '=', 'sale'), ('company_id', '=', company.id)], limit=1)
        account = self.env['account.invoice.line'].get_invoice_line_account(
            'out_invoice', product, self.env['account.fiscal.position'],
            company)
        invoice = self.env['account.invoice'].create({
            'type': 'out_invoice',
            'partner_id': partner.id,
            'account_id': partner.property_account_receivable_id.id,
            'journal_id': journal.id,
            'company_id': company.id,
            'currency_id': company.currency_id.id,
            'user_id': self.env.ref('base.user_demo').id,
            'payment_term_id': self.env.ref(
                'account.account_payment_term_net').id,
            'date_invoice': fields.Date.to_string(day),
            'invoice_line_ids': [(0, 0, {
                'product_id': product.id,
                'name': product.name,
                'quantity': qty,
                'uom_id': product.uom_id.id,
                'price_unit': price,
                'account_id': account.id,
            })],
        })
        invoice.action_invoice_open()
        moment = datetime.combine(day, time(9, 0))
        invoice.write({'validated_date': fields.Datetime.to_string(moment),
                       'sent': True})
        invoice._mark_sent(fields.Datetime.to_string(
            moment + timedelta(hours=1)))
        if viewed:
            invoice._mark_viewed(fields.Datetime.to_string(
                moment + timedelta(days=1, hours=5)))
        return invoice

    @api.model
    def _pay(self, company, invoice, share, day):
        """A bank payment of ``share`` of what is due on ``invoice`` (and,
        when it is paid in full, on its late-fee invoices), dated ``day``."""
        journal = self.env['account.journal'].search([
            ('type', '=', 'bank'), ('company_id', '=', company.id)], limit=1)
        to_pay = invoice
        if share >= 1.0:
            to_pay |= invoice.late_fee_invoice_ids.filtered(
                lambda fee: fee.state == 'open')
        for document in to_pay:
            payment = self.env['account.payment'].create({
                'payment_type': 'inbound',
                'partner_type': 'customer',
                'partner_id': document.partner_id.id,
                'amount': document.currency_id.round(
                    document.residual * share),
                'currency_id': document.currency_id.id,
                'payment_date': fields.Date.to_string(day),
                'journal_id': journal.id,
                'payment_method_id': self.env.ref(
                    'account.account_payment_method_manual_in').id,
                'invoice_ids': [(6, 0, document.ids)],
                'communication': document.number,
            })
            payment.post()

    @api.model
    def _deliver(self, orders):
        """Validate the deliveries of ``orders`` as the Validate button
        and the immediate transfer wizard do: the addon invoices them."""
        for order in orders:
            for picking in order.picking_ids.filtered(
                    lambda p: p.state not in ('done', 'cancel')):
                picking.action_assign()
                result = picking.button_validate()
                while isinstance(result, dict) and result.get(
                        'res_model') in ('stock.immediate.transfer',
                                         'stock.backorder.confirmation'):
                    result = self.env[result['res_model']].browse(
                        result['res_id']).process()
