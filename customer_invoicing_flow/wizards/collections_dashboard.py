# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.misc import format_date, formatLang, html_escape

from .. import charts, dates
from .. import collections_kpis as kpis

TOP_LATE_LIMIT = 5
TREND_MONTHS = 12
AGING_COLORS = ['#5cb85c', '#f0ad4e', '#ec8a3c', '#d9534f', '#a94442']
DSO_COLOR = '#337ab7'
TREND_WIDTH = 460
TREND_HEIGHT = 260
DAYS_TO_PAY_COLOR = '#5b4a8b'


def _day(value):
    return dates.to_day(value) if value else None


def _moment(value):
    return fields.Datetime.from_string(value) if value else None


class CollectionsDashboard(models.TransientModel):
    """The collections KPIs of a period, computed on the fly. The rows come
    from one query per KPI; the arithmetic is in ``collections_kpis``."""
    _name = 'collections.dashboard'
    _description = 'Collections dashboard'

    period = fields.Selection(
        [(key, label) for key, label in kpis.PERIOD_PRESETS]
        + [('custom', 'Custom')],
        required=True, default='this_month',
        help="Sets the dates; changing a date makes the period custom.")
    date_from = fields.Date(
        string='From', required=True,
        default=lambda self: self._default_date_from())
    date_to = fields.Date(
        string='To', required=True,
        default=lambda self: fields.Date.context_today(self))
    company_id = fields.Many2one(
        'res.company', required=True,
        default=lambda self: self.env.user.company_id,
        domain=lambda self: [('id', 'in', self.env.user.company_ids.ids)])
    currency_id = fields.Many2one(
        related='company_id.currency_id', readonly=True)
    period_days = fields.Integer(
        string='Days in Period', compute='_compute_kpis')
    receivables = fields.Monetary(
        string='Receivables at Period End', compute='_compute_kpis',
        help="What customers owed at the end of the period: the part of the "
             "validated invoices left to pay then, minus the open credit "
             "notes.")
    credit_sales = fields.Monetary(
        compute='_compute_kpis',
        help="Invoices minus credit notes dated in the period.")
    dso = fields.Float(
        string='Days Sales Outstanding', digits=(16, 2),
        compute='_compute_kpis',
        help="Receivables at the period end / credit sales of the period x "
             "days in the period (0 without credit sales).")
    avg_delivery_to_invoice_hours = fields.Float(
        string='Hours Delivery to Invoice', digits=(16, 2),
        compute='_compute_kpis',
        help="Average, over the invoices dated in the period that have a "
             "delivery, of the hours from the delivery to the validation.")
    delivered_invoice_count = fields.Integer(
        string='Invoices with a Delivery', compute='_compute_kpis')
    avg_days_to_pay = fields.Float(
        string='Days to Pay', digits=(16, 2), compute='_compute_kpis',
        help="Average, over the invoices paid in the period, of the days "
             "from the invoice date to the paid date.")
    paid_invoice_count = fields.Integer(
        string='Invoices Paid', compute='_compute_kpis')
    on_time_rate = fields.Float(
        string='Paid on Time (%)', digits=(16, 2), compute='_compute_kpis',
        help="Among the invoices due in the period that were paid by its "
             "end or are past due at its end, the share paid on or before "
             "their due date.")
    due_invoice_count = fields.Integer(
        string='Invoices Due', compute='_compute_kpis',
        help="The invoices the share paid on time counts.")
    late_invoice_count = fields.Integer(
        string='Overdue Invoices', compute='_compute_kpis',
        help="Invoices due in the period, paid after their due date or "
             "still open past it.")
    fees_charged = fields.Monetary(
        string='Late Fees Charged', compute='_compute_kpis',
        help="Late-fee invoices dated in the period.")
    fees_collected = fields.Monetary(
        string='Late Fees Collected', compute='_compute_kpis',
        help="The part of those fee invoices paid by the period end.")
    aging_not_due = fields.Monetary(
        string='Not Due', compute='_compute_kpis')
    aging_1_30 = fields.Monetary(
        string='1-30 Days', compute='_compute_kpis')
    aging_31_60 = fields.Monetary(
        string='31-60 Days', compute='_compute_kpis')
    aging_61_90 = fields.Monetary(
        string='61-90 Days', compute='_compute_kpis')
    aging_90_plus = fields.Monetary(
        string='90+ Days', compute='_compute_kpis')
    aging_total = fields.Monetary(
        string='Total Open', compute='_compute_kpis')
    aging_html = fields.Html(
        string='Aging', compute='_compute_kpis', sanitize=False)
    top_late_html = fields.Html(
        string='Customers Most Often Overdue', compute='_compute_kpis',
        sanitize=False)
    trend_html = fields.Html(
        string='Last 12 Months', compute='_compute_trend', sanitize=False,
        help="Days sales outstanding and average days to pay, month by "
             "month over the 12 months ending with the period's end.")

    @api.model
    def _default_date_from(self):
        today = _day(fields.Date.context_today(self))
        return fields.Date.to_string(today.replace(day=1))

    @api.depends('date_from', 'date_to', 'company_id')
    def _compute_kpis(self):
        self._check_dashboard_access()
        for dashboard in self:
            date_from = _day(dashboard.date_from)
            date_to = _day(dashboard.date_to)
            company = dashboard.company_id
            if not (date_from and date_to and company) \
                    or date_to < date_from \
                    or company not in self.env.user.company_ids:
                # an incomplete period (while the user edits it), or a
                # company out of the user's reach (the receivables query
                # bypasses record rules): blank
                for name, field in dashboard._fields.items():
                    if field.compute == '_compute_kpis':
                        dashboard[name] = False
                continue
            values = dashboard._kpi_values(company, date_from, date_to)
            values['aging_html'] = dashboard._aging_html(values)
            values['top_late_html'] = dashboard._top_late_html(
                values.pop('top_late'))
            for name, value in values.items():
                dashboard[name] = value

    @api.depends('date_to', 'company_id')
    def _compute_trend(self):
        self._check_dashboard_access()
        for dashboard in self:
            date_to = _day(dashboard.date_to)
            company = dashboard.company_id
            if not (date_to and company) \
                    or company not in self.env.user.company_ids:
                dashboard.trend_html = False
                continue
            series = dashboard._monthly_series(company, date_to,
                                               TREND_MONTHS)
            dashboard.trend_html = dashboard._trend_html(series)

    @api.constrains('date_from', 'date_to')
    def _check_dates(self):
        for dashboard in self:
            if dashboard.date_to < dashboard.date_from:
                raise ValidationError(_("The period ends before it starts."))

    @api.onchange('period')
    def _onchange_period(self):
        today = _day(fields.Date.context_today(self))
        dates = kpis.preset_period(self.period, today)
        if dates:
            self.date_from, self.date_to = map(fields.Date.to_string, dates)

    @api.onchange('date_from', 'date_to')
    def _onchange_dates(self):
        today = _day(fields.Date.context_today(self))
        dates = kpis.preset_period(self.period, today)
        if dates and (self.date_from, self.date_to) != tuple(
                map(fields.Date.to_string, dates)):
            self.period = 'custom'

    @api.multi
    def name_get(self):
        # a dashboard, not a record: its title in the breadcrumb
        return [(dashboard.id, _("Collections Dashboard"))
                for dashboard in self]

    @api.multi
    def action_open_analysis(self):
        """The collections analysis of the invoices dated in the period."""
        self.ensure_one()
        return self._analysis_action(
            [('date_invoice', '>=', self.date_from),
             ('date_invoice', '<=', self.date_to)])

    @api.multi
    def action_open_late(self):
        """The overdue invoices due in the period, by customer."""
        self.ensure_one()
        action = self._analysis_action(
            [('date_due', '>=', self.date_from),
             ('date_due', '<=', self.date_to),
             ('type', '=', 'out_invoice')])
        action['context'] = {'search_default_filter_late': 1,
                             'pivot_row_groupby': ['partner_id'],
                             'pivot_measures': ['late_count', 'nbr']}
        return action

    @api.multi
    def _analysis_action(self, domain):
        self.ensure_one()
        action = self.env.ref(
            'customer_invoicing_flow.collections_analysis_action').read()[0]
        action['domain'] = [('company_id', '=', self.company_id.id)] + domain
        action['context'] = {}
        return action

    # ------------------------------------------------------------------
    # Queries: one per KPI, the arithmetic in collections_kpis
    # ------------------------------------------------------------------

    @api.model
    def _kpi_values(self, company, date_from, date_to):
        """Every KPI of ``company`` for the period, as field values."""
        digits = company.currency_id.decimal_places
        values = {'period_days': kpis.period_days(date_from, date_to)}
        values.update(self._kpi_receivables(company, date_from, date_to,
                                            digits))
        base = [('company_id', '=', company.id),
                ('type', '=', 'out_invoice'),
                ('state', 'in', ('open', 'paid'))]
        Invoice = self.env['account.invoice']

        def in_period(field, extra=()):
            # the invoices of ``base`` whose ``field`` falls in the period
            return base + [
                (field, '>=', fields.Date.to_string(date_from)),
                (field, '<=', fields.Date.to_string(date_to))] + list(extra)

        delivered = Invoice.search_read(in_period('date_invoice', [
            ('delivery_date', '!=', False), ('validated_date', '!=', False),
        ]), ['delivery_date', 'validated_date'])
        hours = kpis.average_hours([
            (_moment(row['delivery_date']), _moment(row['validated_date']))
            for row in delivered])
        values['avg_delivery_to_invoice_hours'] = float(hours or 0)
        values['delivered_invoice_count'] = len(delivered)

        paid = Invoice.search_read(
            in_period('paid_date'), ['date_invoice', 'paid_date'])
        days = kpis.average_days([
            (_day(row['date_invoice']), _day(row['paid_date']))
            for row in paid])
        values['avg_days_to_pay'] = float(days or 0)
        values['paid_invoice_count'] = len(paid)

        due = Invoice.search_read(
            in_period('date_due'),
            ['commercial_partner_id', 'date_due', 'paid_date'])
        rows = [(row['commercial_partner_id'][0], _day(row['date_due']),
                 _day(row['paid_date'])) for row in due]
        share = kpis.on_time_share(rows, date_from, date_to)
        values['on_time_rate'] = float((share or 0) * 100)
        values['due_invoice_count'] = len(
            kpis.decided_invoices(rows, date_from, date_to))
        values['late_invoice_count'] = sum(
            kpis.late_counts(rows, date_from, date_to).values())
        values['top_late'] = kpis.top_late_customers(
            rows, date_from, date_to, TOP_LATE_LIMIT)
        return values

    @api.model
    def _receivable_rows(self, company, date_from, date_to):
        """One query for the validated invoices and credit notes that were
        open at the period end or are dated in the period, with what was
        left to pay on them at the period end (their total minus the
        reconciliations dated on or before it): (date_invoice, date_due,
        type, is a fee, total, open amount) rows."""
        self.env['account.invoice'].recompute()
        self.env.cr.execute(sql.SQL("""
            SELECT inv.date_invoice, inv.date_due, inv.type,
                   inv.late_fee_origin_id IS NOT NULL,
                   inv.amount_total_company_signed,
                   CASE WHEN inv.state = 'paid'
                             AND inv.paid_date <= %(date_to)s
                        THEN 0
                        ELSE inv.amount_total_company_signed
                             - CASE WHEN inv.type = 'out_refund'
                                    THEN -1 ELSE 1 END
                             * COALESCE(reconciled.amount, 0)
                   END
              FROM account_invoice inv
              LEFT JOIN LATERAL (
                    SELECT SUM(part.amount) AS amount
                      FROM {reconciled}
                     WHERE {of_invoice}
                       AND counterpart.date <= %(date_to)s
                   ) reconciled ON TRUE
             WHERE inv.company_id = %(company)s
               AND inv.type IN ('out_invoice', 'out_refund')
               AND inv.state IN ('open', 'paid')
               AND inv.date_invoice <= %(date_to)s
               AND (inv.state = 'open'
                    OR inv.paid_date > %(date_to)s
                    OR inv.date_invoice >= %(date_from)s)
        """).format(**self.env['account.invoice']._sql_reconciled()), {
            'company': company.id,
            'date_from': fields.Date.to_string(date_from),
            'date_to': fields.Date.to_string(date_to)})
        return self.env.cr.fetchall()

    @api.model
    def _kpi_receivables(self, company, date_from, date_to, digits):
        """Receivables, credit sales, late fees and aging, from the rows of
        ``_receivable_rows``."""
        open_items = []
        fees = []
        credit_sales = 0
        receivables = 0
        for (date_invoice, date_due, invoice_type, is_fee, total,
             open_amount) in self._receivable_rows(company, date_from,
                                                   date_to):
            date_invoice = _day(date_invoice)
            dated_in_period = date_invoice >= date_from
            if dated_in_period:
                credit_sales += kpis.to_decimal(total, digits)
                if is_fee and invoice_type == 'out_invoice':
                    fees.append((total, open_amount))
            if kpis.to_decimal(open_amount, digits):
                receivables += kpis.to_decimal(open_amount, digits)
                open_items.append(
                    (_day(date_due) or date_invoice, open_amount))
        days = kpis.period_days(date_from, date_to)
        dso = kpis.days_sales_outstanding(receivables, credit_sales, days,
                                          digits)
        charged, collected = kpis.fees_summary(fees, digits)
        table = kpis.aging(open_items, date_to, digits)
        return {
            'receivables': float(receivables),
            'credit_sales': float(credit_sales),
            'dso': float(dso or 0),
            'fees_charged': float(charged),
            'fees_collected': float(collected),
            'aging_not_due': float(table['not_due']),
            'aging_1_30': float(table['1_30']),
            'aging_31_60': float(table['31_60']),
            'aging_61_90': float(table['61_90']),
            'aging_90_plus': float(table['90_plus']),
            'aging_total': float(table['total']),
        }

    @api.model
    def _monthly_series(self, company, date_to, months=TREND_MONTHS):
        """DSO and average days to pay of each of the ``months`` months
        ending with ``date_to`` (see ``collections_kpis.monthly_series``):
        one query reads every invoice and credit note that matters over
        the whole window with what settled it and when; the months are
        then aggregated in Python, so the number of queries does not grow
        with the months or the invoices."""
        periods = kpis.monthly_periods(date_to, months)
        start = periods[0][0]
        self.env['account.invoice'].recompute()
        self.env.cr.execute(sql.SQL("""
            SELECT inv.date_invoice, inv.type = 'out_invoice',
                   inv.amount_total_company_signed,
                   CASE WHEN inv.state = 'paid' THEN inv.paid_date END,
                   COALESCE(settled.dates, ARRAY[]::text[]),
                   COALESCE(settled.amounts, ARRAY[]::numeric[])
              FROM account_invoice inv
              LEFT JOIN LATERAL (
                    SELECT array_agg(counterpart.date::text) AS dates,
                           array_agg(part.amount
                                     * CASE WHEN inv.type = 'out_refund'
                                            THEN -1 ELSE 1 END) AS amounts
                      FROM {reconciled}
                     WHERE {of_invoice}
                       AND counterpart.date <= %(date_to)s
                   ) settled ON TRUE
             WHERE inv.company_id = %(company)s
               AND inv.type IN ('out_invoice', 'out_refund')
               AND inv.state IN ('open', 'paid')
               AND inv.date_invoice <= %(date_to)s
               AND (inv.state = 'open'
                    OR inv.paid_date >= %(start)s
                    OR inv.date_invoice >= %(start)s)
        """).format(**self.env['account.invoice']._sql_reconciled()), {
            'company': company.id,
            'start': fields.Date.to_string(start),
            'date_to': fields.Date.to_string(date_to)})
        invoices = [
            (_day(date_invoice), is_invoice, total, _day(paid_date),
             [(_day(day), amount) for day, amount in zip(days, amounts)])
            for date_invoice, is_invoice, total, paid_date, days, amounts
            in self.env.cr.fetchall()]
        return kpis.monthly_series(invoices, periods,
                                   company.currency_id.decimal_places)

    # ------------------------------------------------------------------
    # Display
    # ------------------------------------------------------------------

    @api.multi
    def _money(self, amount):
        return formatLang(self.env, amount,
                          currency_obj=self.company_id.currency_id)

    @api.multi
    def _aging_html(self, values):
        """The aging at the period end as a bar chart (SVG)."""
        labels = [_('Not due'), _('1-30 days'), _('31-60 days'),
                  _('61-90 days'), _('90+ days')]
        names = ['aging_not_due', 'aging_1_30', 'aging_31_60',
                 'aging_61_90', 'aging_90_plus']
        bars = [(label, values[name], self._money(values[name]), color)
                for label, name, color in zip(labels, names, AGING_COLORS)]
        total = self._money(values['aging_total'])
        return charts.bar_chart(
            'o_cif_aging_chart',
            _("Aging at %(date)s (total open %(total)s)") % {
                'date': self._date_text(self.date_to), 'total': total},
            bars, y_label=self.company_id.currency_id.name,
            x_label=_("Days past due"),
            tick_format=self._tick_text,
            desc_intro=_("Open amounts by days past due:"))

    @api.multi
    def _trend_html(self, series):
        """DSO and average days to pay month by month, two bar charts
        side by side (SVG)."""
        lang = self.env.context.get('lang') or self.env.user.lang \
            or 'en_US'
        months = []
        for index, month in enumerate(series):
            day = fields.Date.to_string(month['date_from'])
            label = format_date(self.env, day, lang_code=lang,
                                date_format='MMM')
            if index == 0 or month['date_from'].month == 1:
                # the year under the first month and under each January
                label += '\n' + format_date(self.env, day, lang_code=lang,
                                            date_format='yyyy')
            spoken = format_date(self.env, day, lang_code=lang,
                                 date_format='MMMM yyyy')
            months.append((label, spoken))

        def bars(key, color):
            result = []
            for (label, spoken), month in zip(months, series):
                # one decimal, rounded half-up like every KPI
                value = month[key]
                if value is not None:
                    value = float(kpis.to_decimal(value, 1))
                result.append((label, value, formatLang(
                    self.env, value or 0.0, digits=1), color, spoken))
            return result

        days = _("Days")
        tick = self._tick_text
        dso = charts.bar_chart(
            'o_cif_dso_chart', _("Days Sales Outstanding by Month"),
            bars('dso', DSO_COLOR), y_label=days, x_label=_("Month"),
            tick_format=tick, width=TREND_WIDTH, height=TREND_HEIGHT,
            desc_intro=_("Receivables at the month's end / credit sales of "
                         "the month x days in the month, by month (- when "
                         "there were no credit sales):"))
        to_pay = charts.bar_chart(
            'o_cif_days_to_pay_chart', _("Average Days to Pay by Month"),
            bars('avg_days_to_pay', DAYS_TO_PAY_COLOR), y_label=days,
            x_label=_("Month paid"), tick_format=tick,
            width=TREND_WIDTH, height=TREND_HEIGHT,
            desc_intro=_("Average days from the invoice date to the paid "
                         "date of the invoices paid in the month (- when "
                         "none was paid):"))
        return ('<div class="row o_cif_trend">'
                '<div class="col-md-6">%s</div>'
                '<div class="col-md-6">%s</div></div>') % (dso, to_pay)

    @api.multi
    def _tick_text(self, tick):
        """An axis tick in the user's number format, with the decimals it
        has (ticks are round: 250, 2.5, 0.25)."""
        text = str(tick)
        digits = len(text.split('.')[1]) if '.' in text else 0
        return formatLang(self.env, tick, digits=digits)

    @api.multi
    def _date_text(self, value):
        lang = self.env.context.get('lang') or self.env.user.lang \
            or 'en_US'
        return format_date(self.env, value, lang_code=lang)

    @api.multi
    def _top_late_html(self, top_late):
        if not top_late:
            return '<p>%s</p>' % html_escape(
                _('No overdue invoice in this period.'))
        partners = self.env['res.partner'].browse(
            [partner_id for partner_id, dummy in top_late])
        names = dict((partner.id, partner.display_name)
                     for partner in partners)
        rows = ''.join(
            '<tr><td>%s</td><td class="text-right">%d</td></tr>' % (
                html_escape(names[partner_id]), count)
            for partner_id, count in top_late)
        return (
            '<table class="table table-condensed"><thead><tr>'
            '<th>%(customer)s</th><th class="text-right">%(late)s</th>'
            '</tr></thead><tbody>%(rows)s</tbody></table>') % {
                'customer': html_escape(_('Customer')),
                'late': html_escape(_('Overdue Invoices')), 'rows': rows}

    @api.model
    def _check_dashboard_access(self):
        """The figures read every invoice of the company, past record
        rules: collections staff only (the menu is theirs)."""
        if not self.env.user.has_group(
                'customer_invoicing_flow.group_collections_user'):
            raise AccessError(_(
                "Only collections staff may open the collections "
                "dashboard."))
