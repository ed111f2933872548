# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoicing health: the facts the pure rules (``invoicing_health.py``)
judge, read in a few set-based queries per company (no query per record)."""
from datetime import date, datetime

from odoo import api, models

from .. import invoicing_health as health


def _day(value):
    """A date column as read (an ISO string in Odoo 11), as a date; fast
    (C) parsing, as the check reads every invoice."""
    return date.fromisoformat(value[:10]) if value else None


def _moment(value):
    """A timestamp column as read, as a datetime (seconds)."""
    return datetime.fromisoformat(value[:19]) if value else None


class InvoicingHealthFinding(models.Model):
    _inherit = 'invoicing.health.finding'  # pylint: disable=R8180

    def _fetch(self, query, params):
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    @api.model
    def _facts_invoices(self, company, moment):
        """The numbers, the sending and the tax totals of the company's
        customer invoices and credit notes, from one scan. Only the posted
        invoices not sent, and those whose tax amount is not exactly the
        sum of their tax lines, are handed to the sending and tax rules
        (the others cannot be found by them)."""
        rows = self._fetch("""
            SELECT inv.id, inv.journal_id,
                   CASE WHEN inv.type = 'out_refund' AND j.refund_sequence
                        THEN j.refund_sequence_id ELSE j.sequence_id END,
                   inv.move_name, inv.date_invoice, inv.state,
                   COALESCE(inv.number, inv.move_name),
                   COALESCE(inv.validated_date, inv.date_invoice::timestamp),
                   COALESCE(inv.sent, FALSE) OR inv.sent_date IS NOT NULL,
                   inv.amount_tax, COALESCE(tax.total, 0), cur.rounding
              FROM account_invoice inv
              JOIN account_journal j ON j.id = inv.journal_id
              JOIN res_currency cur ON cur.id = inv.currency_id
              LEFT JOIN (
                  SELECT t.invoice_id,
                         SUM(ROUND((t.amount + COALESCE(t.amount_rounding, 0))
                                   / c.rounding) * c.rounding) AS total
                    FROM account_invoice_tax t
                    JOIN res_currency c ON c.id = t.currency_id
                   WHERE t.company_id = %(company)s
                   GROUP BY t.invoice_id
              ) tax ON tax.invoice_id = inv.id
             WHERE inv.company_id = %(company)s
               AND inv.type IN ('out_invoice', 'out_refund')
               AND (inv.date_invoice IS NULL OR inv.date_invoice <= %(day)s
                    -- dated later but numbered by then: its number is used
                    OR inv.validated_date <= %(moment)s)
        """, {'company': company.id, 'day': moment.date(), 'moment': moment})
        numbers, sent, totals = [], [], []
        for (invoice_id, journal_id, sequence_id, move_name, day, state,
             number, validated, is_sent, amount_tax, tax_lines,
             rounding) in rows:
            if move_name:
                numbers.append(health.NumberFact(
                    invoice_id, journal_id, sequence_id, move_name,
                    _day(day), state))
            if state in ('open', 'paid') and day:
                validated = None if is_sent else _moment(validated)
                if not is_sent and validated is not None \
                        and validated <= moment:
                    sent.append(health.SentFact(
                        invoice_id, number, validated, is_sent))
                if amount_tax != tax_lines:
                    totals.append(health.TaxTotalFact(
                        invoice_id, number, amount_tax, tax_lines, rounding))
        return numbers, sent, totals

    @api.model
    def _facts_deliveries(self, company, moment):
        rows = self._fetch("""
            WITH uninvoiced AS (
                SELECT sol.order_id, COUNT(*) AS lines
                  FROM sale_order_line sol
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE sol.company_id = %(company)s
                   AND pt.type IN ('product', 'consu')
                   AND sol.qty_delivered - sol.qty_invoiced > 0.00001
                 GROUP BY sol.order_id
            ), delivered AS (
                SELECT p.sale_id, MAX(p.date_done) AS last_done
                  FROM stock_picking p
                  JOIN stock_picking_type t ON t.id = p.picking_type_id
                 WHERE p.company_id = %(company)s AND p.state = 'done'
                   AND t.code = 'outgoing' AND p.sale_id IS NOT NULL
                   AND p.date_done <= %(moment)s
                 GROUP BY p.sale_id
            )
            SELECT so.id, so.name, delivered.last_done,
                   COALESCE(uninvoiced.lines, 0),
                   COALESCE(so.auto_invoice_pending, FALSE),
                   so.auto_invoice_error
              FROM sale_order so
              LEFT JOIN uninvoiced ON uninvoiced.order_id = so.id
              LEFT JOIN delivered ON delivered.sale_id = so.id
             WHERE so.company_id = %(company)s
               AND so.state IN ('sale', 'done')
               AND ((uninvoiced.order_id IS NOT NULL
                     AND delivered.sale_id IS NOT NULL)
                    OR so.auto_invoice_pending)
        """, {'company': company.id, 'moment': moment})
        return [health.DeliveryFact(
            row[0], row[1],
            _moment(row[2]), row[3], row[4],
            row[5]) for row in rows]

    @api.model
    def _facts_tax_lines(self, company, moment):
        """The taxes of the posted invoice lines, of their products (mapped
        through the invoice's fiscal position) and of their order lines,
        joined and grouped (no query per line)."""
        params = {'company': company.id, 'day': moment.date()}
        mapping = {}
        for position, source, dest in self._fetch("""
                SELECT fpt.position_id, fpt.tax_src_id, fpt.tax_dest_id
                  FROM account_fiscal_position_tax fpt
                  JOIN account_fiscal_position fp ON fp.id = fpt.position_id
                 WHERE fp.company_id = %(company)s OR fp.company_id IS NULL
                """, params):
            mapping.setdefault(position, {}).setdefault(source, []).append(
                dest)
        product_taxes = dict(self._fetch("""
            SELECT pt.prod_id, ARRAY_AGG(pt.tax_id)
              FROM product_taxes_rel pt
              JOIN account_tax tax ON tax.id = pt.tax_id
             WHERE tax.company_id = %(company)s
             GROUP BY pt.prod_id
        """, params))
        # Only the lines that may differ from a reference come back: taxes
        # other than the product's (or a fiscal position that maps taxes,
        # where the rule maps them), or other than the order line's.
        rows = self._fetch("""
            WITH line AS (
                SELECT l.id, l.invoice_id, l.name, inv.fiscal_position_id,
                       pp.product_tmpl_id
                  FROM account_invoice_line l
                  JOIN account_invoice inv ON inv.id = l.invoice_id
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                 WHERE inv.company_id = %(company)s
                   AND inv.type IN ('out_invoice', 'out_refund')
                   AND inv.state IN ('open', 'paid')
                   AND inv.date_invoice <= %(day)s
            ), line_tax AS (
                SELECT lt.invoice_line_id,
                       ARRAY_AGG(lt.tax_id ORDER BY lt.tax_id) AS taxes
                  FROM account_invoice_line_tax lt
                  JOIN line ON line.id = lt.invoice_line_id
                 GROUP BY lt.invoice_line_id
            ), product_tax AS (
                SELECT pt.prod_id,
                       ARRAY_AGG(pt.tax_id ORDER BY pt.tax_id) AS taxes
                  FROM product_taxes_rel pt
                  JOIN account_tax tax ON tax.id = pt.tax_id
                 WHERE tax.company_id = %(company)s
                 GROUP BY pt.prod_id
            ), order_tax AS (
                SELECT sr.invoice_line_id,
                       COALESCE(ARRAY_AGG(DISTINCT st.account_tax_id
                                          ORDER BY st.account_tax_id)
                                FILTER (WHERE st.account_tax_id IS NOT NULL),
                                '{}'::int[]) AS taxes
                  FROM sale_order_line_invoice_rel sr
                  JOIN line ON line.id = sr.invoice_line_id
                  LEFT JOIN account_tax_sale_order_line_rel st
                    ON st.sale_order_line_id = sr.order_line_id
                 GROUP BY sr.invoice_line_id
            )
            SELECT line.id, line.invoice_id, line.name,
                   line.fiscal_position_id, line.product_tmpl_id,
                   line_tax.taxes, order_tax.invoice_line_id IS NOT NULL,
                   order_tax.taxes
              FROM line
              LEFT JOIN line_tax ON line_tax.invoice_line_id = line.id
              LEFT JOIN order_tax ON order_tax.invoice_line_id = line.id
              LEFT JOIN product_tax ON product_tax.prod_id = line.product_tmpl_id
             WHERE (product_tax.taxes IS NOT NULL
                    AND (product_tax.taxes
                             IS DISTINCT FROM COALESCE(line_tax.taxes,
                                                       '{}'::int[])
                         OR line.fiscal_position_id IN (
                             SELECT position_id
                               FROM account_fiscal_position_tax)))
                OR (order_tax.invoice_line_id IS NOT NULL
                    AND order_tax.taxes
                        IS DISTINCT FROM COALESCE(line_tax.taxes,
                                                  '{}'::int[]))
        """, params)
        lines = []
        mapped = {}
        for line_id, invoice_id, name, position, template, taxes, \
                from_order, order_taxes in rows:
            expected = None
            if product_taxes.get(template):
                key = (template, position)
                if key not in mapped:
                    mapped[key] = health.map_taxes(
                        product_taxes[template], mapping.get(position, {}))
                expected = mapped[key]
            taxes = frozenset(taxes or ())
            order_taxes = frozenset(order_taxes or ()) if from_order \
                else None
            if expected in (None, taxes) and order_taxes in (None, taxes):
                continue  # agrees with every reference: nothing to find
            lines.append(health.TaxLineFact(
                invoice_id, line_id, name, taxes, expected, order_taxes))
        tax_names = dict(self._fetch(
            "SELECT id, name FROM account_tax WHERE company_id = %(company)s",
            params))
        return lines, tax_names

    @api.model
    def _facts_orders(self, company, moment):
        params = {'company': company.id, 'day': moment.date(),
                  'moment': moment}
        links = [health.OrderLinkFact(*row) for row in self._fetch("""
            SELECT DISTINCT inv.id, inv.number, so.id, so.name,
                   inv.client_order_ref, so.client_order_ref,
                   invp.commercial_partner_id, sop.commercial_partner_id
              FROM account_invoice inv
              JOIN account_invoice_line l ON l.invoice_id = inv.id
              JOIN sale_order_line_invoice_rel sr ON sr.invoice_line_id = l.id
              JOIN sale_order_line sol ON sol.id = sr.order_line_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner invp ON invp.id = inv.partner_id
              JOIN res_partner sop ON sop.id = so.partner_invoice_id
             WHERE inv.company_id = %(company)s
               AND inv.type = 'out_invoice'
               AND inv.state IN ('open', 'paid')
               AND inv.date_invoice <= %(day)s
        """, params)]
        digits = self.env['decimal.precision'].precision_get('Product Price')
        prices = [health.PriceFact(*(row + (digits,))) for row in self._fetch(
            """
            SELECT inv.id, l.id, l.name, so.name, l.price_unit,
                   sol.price_unit
              FROM account_invoice inv
              JOIN account_invoice_line l ON l.invoice_id = inv.id
              JOIN sale_order_line_invoice_rel sr ON sr.invoice_line_id = l.id
              JOIN sale_order_line sol ON sol.id = sr.order_line_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN product_pricelist pl ON pl.id = so.pricelist_id
             WHERE inv.company_id = %(company)s
               AND inv.type = 'out_invoice'
               AND inv.state IN ('open', 'paid')
               AND inv.date_invoice <= %(day)s
               AND l.uom_id = sol.product_uom
               AND pl.currency_id = inv.currency_id
            """, params)]
        drafts = [health.DraftFact(
            row[0], row[1], _moment(row[2]))
            for row in self._fetch("""
            SELECT inv.id, COALESCE(inv.origin, inv.reference, ''),
                   inv.create_date
              FROM account_invoice inv
             WHERE inv.company_id = %(company)s
               AND inv.type = 'out_invoice' AND inv.state = 'draft'
               AND inv.create_date <= %(moment)s
               AND EXISTS (SELECT 1 FROM account_invoice_stock_picking_rel r
                            WHERE r.invoice_id = inv.id)
        """, params)]
        return links, prices, drafts

    @api.model
    def _facts_fees(self, company, moment):
        params = {'company': company.id, 'day': moment.date()}
        charges = [health.FeeChargeFact(
            row[0], row[1], row[2], row[3], row[4],
            _day(row[5]), _day(row[6])) for row in self._fetch("""
            SELECT c.id, c.fee_invoice_id, fee.number, fee.state,
                   origin.number, origin.paid_date, c.date
              FROM late_fee_charge c
              JOIN account_invoice fee ON fee.id = c.fee_invoice_id
              JOIN account_invoice origin ON origin.id = c.invoice_id
             WHERE c.company_id = %(company)s AND c.date <= %(day)s
        """, params)]
        reminders = [health.ReminderFact(*row) for row in self._fetch("""
            SELECT log.id, inv.number, stage.name,
                   COALESCE(stage.send_email, FALSE),
                   COALESCE(log.email_sent, FALSE),
                   COALESCE(stage.charge_fee, FALSE)
                       AND COALESCE(log.fee_amount, 0) > 0,
                   log.fee_invoice_id,
                   COALESCE(stage.create_activity, FALSE),
                   COALESCE(log.activity_created, FALSE)
              FROM payment_reminder_log log
              JOIN late_payment_policy_stage stage ON stage.id = log.stage_id
              JOIN account_invoice inv ON inv.id = log.invoice_id
             WHERE log.company_id = %(company)s AND log.state = 'done'
               AND log.date <= %(day)s
        """, params)]
        return charges, reminders
