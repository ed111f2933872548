# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reference rates of statutory late-payment interest (a central bank's
rate, dated values) and the alert when the current half-year's value is
missing. The arithmetic is ``interest_rates``'s."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from .. import interest_rates
from .late_payment_policy import _clean_import_messages


class LatePaymentReferenceRate(models.Model):
    _name = 'late.payment.reference.rate'
    _description = 'Late-payment reference rate'
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'name, id'

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Unique technical name, e.g. ecb_mro.")
    active = fields.Boolean(default=True)
    issuer = fields.Char(
        string='Issuing Bank',
        help="The central bank publishing the rate.")
    source_url = fields.Char(
        string='Source', help="Where the values are published.")
    note = fields.Text(
        help="The source of the values entered and how to add new ones.")
    line_ids = fields.One2many(
        'late.payment.reference.rate.line', 'reference_rate_id',
        string='Values', copy=True)
    known_through = fields.Date(
        compute='_compute_known',
        help="A value dated in a half-year makes the rate known through the "
             "end of that half-year: enter each new half-year's value, "
             "even unchanged, dated its first day (1 January, 1 July).")
    current_value = fields.Float(
        compute='_compute_known', digits=(16, 2),
        string='Value Today (%)')
    missing_alert_date = fields.Date(
        string='Missing Value Reported For', readonly=True, copy=False,
        help="The first day of the latest half-year whose missing value "
             "was reported to the collections managers (once per "
             "half-year).")

    _sql_constraints = [
        ('code_unique', 'UNIQUE (code)',
         'Two reference rates cannot have the same code.'),
    ]

    @api.depends('line_ids.date_from', 'line_ids.rate')
    def _compute_known(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        tables = self._tables()
        for reference in self:
            table = tables.get(reference.id)
            known = table and table.known_through
            reference.known_through = known and fields.Date.to_string(known)
            reference.current_value = float(table.value_on(today)[0]) \
                if table and table.knows(today) else 0.0

    @api.model
    def load(self, fields, data):
        """Odoo's importer, with the constraints' own messages."""
        return _clean_import_messages(
            super(LatePaymentReferenceRate, self).load(fields, data))

    @api.multi
    def _tables(self):
        """{reference rate id: interest_rates.RateTable}, one read of the
        values for the whole set."""
        ids = [rate_id for rate_id in self.ids if isinstance(rate_id, int)]
        if not ids:
            return {}
        rows = {rate_id: [] for rate_id in ids}
        # sudo: whoever may see an invoice's fee may see the public rate
        # it comes from
        for line in self.env['late.payment.reference.rate.line'].sudo() \
                .search_read([('reference_rate_id', 'in', ids)],
                             ['reference_rate_id', 'date_from', 'rate']):
            rows[line['reference_rate_id'][0]].append(
                (line['date_from'], repr(line['rate'])))
        codes = {rate['id']: rate['code'] for rate in self.sudo().with_context(
            active_test=False).browse(ids).read(['code'])}
        return {rate_id: interest_rates.RateTable(codes[rate_id],
                                                  tuple(rows[rate_id]))
                for rate_id in ids}

    @api.model
    def _alert_missing_values(self, as_of):
        """For each reference rate a policy in force uses, a to-do for
        the collections managers when the value of ``as_of``'s half-year
        is missing: once per rate and half-year (the half-year is written
        on the rate before the activities). Returns the rates reported."""
        day = fields.Date.from_string(as_of)
        half_year = fields.Date.to_string(interest_rates.half_year_start(day))
        # sudo: the daily run reports for every company's policies
        policies = self.env['late.payment.policy'].sudo().search(
            [('interest_mode', '=', 'reference')])
        references = policies.mapped('reference_rate_id')
        tables = references._tables()
        reported = self.browse()
        for reference in references:
            if tables[reference.id].knows(day) \
                    or (reference.missing_alert_date or '') >= half_year:
                continue
            reference.missing_alert_date = half_year
            reference._missing_value_activities(half_year)
            reported |= reference
        return reported

    @api.multi
    def _missing_value_activities(self, half_year):
        """A to-do on the rate for each collections manager."""
        self.ensure_one()
        group = self.env.ref('customer_invoicing_flow.group_collections_manager')
        activity_type = self.env.ref('mail.mail_activity_data_todo')
        note = _(
            "The value of %(rate)s in force on %(date)s is not entered: "
            "the late-payment interest using it cannot be charged until it "
            "is. Enter it from %(source)s (even unchanged, dated %(date)s).") \
            % {'rate': self.name,
               'date': format_date(self.env, half_year),
               'source': self.source_url or self.issuer or self.name}
        model = self.env['ir.model']._get(self._name)
        for user in group.users.filtered(
                lambda user: user.active and not user.share):
            self.env['mail.activity'].sudo().create({
                'res_model_id': model.id,
                'res_id': self.id,
                'activity_type_id': activity_type.id,
                'summary': _("Reference rate value missing"),
                'note': note,
                'user_id': user.id,
                'date_deadline': half_year,
            })


class LatePaymentReferenceRateLine(models.Model):
    _name = 'late.payment.reference.rate.line'
    _description = 'Late-payment reference rate value'
    _order = 'reference_rate_id, date_from desc, id'

    reference_rate_id = fields.Many2one(
        'late.payment.reference.rate', required=True, ondelete='cascade', index=True)
    date_from = fields.Date(
        string='In Force From', required=True,
        help="The first day the value applies; it applies until the next "
             "value's date.")
    rate = fields.Float(
        string='Rate (% a year)', digits=(16, 2), required=True,
        help="Annual %, may be negative (e.g. -0.88).")

    _sql_constraints = [
        ('date_unique', 'UNIQUE (reference_rate_id, date_from)',
         'A reference rate has one value per date.'),
    ]

    @api.constrains('rate')
    def _check_rate(self):
        for line in self:
            if not -100 < line.rate < 100:
                raise ValidationError(_(
                    "Reference rate %(rate)s: %(value)s %% is no plausible "
                    "annual rate.") % {'rate': line.reference_rate_id.name,
                                       'value': line.rate})

    @api.model
    def load(self, fields, data):
        """Odoo's importer, with the constraints' own messages."""
        return _clean_import_messages(
            super(LatePaymentReferenceRateLine, self).load(fields, data))
