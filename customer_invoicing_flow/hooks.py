# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api
from odoo.tools import convert_file


def post_init_hook(cr, registry):
    """Fill the lifecycle of the invoices that existed before the addon from
    what Odoo recorded: the validation from the journal entry, the first
    send from the chatter (else the ``sent`` flag), the payment from the
    reconciliations. Views were not recorded: none is invented."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    # validated: the journal entry is created on validation
    cr.execute("""
        UPDATE account_invoice inv
           SET validated_date = move.create_date
          FROM account_move move
         WHERE move.id = inv.move_id AND inv.validated_date IS NULL
    """)
    # sent: the earliest email or comment (not a note) with a PDF, written
    # by an internal user (as models/mail_message.py decides)
    cr.execute("""
        UPDATE account_invoice inv
           SET sent_date = first.date
          FROM (SELECT msg.res_id, MIN(msg.date) AS date
                  FROM mail_message msg
                  LEFT JOIN mail_message_subtype subtype
                    ON subtype.id = msg.subtype_id
                 WHERE msg.model = 'account.invoice'
                   AND msg.message_type IN ('email', 'comment')
                   AND subtype.internal IS NOT TRUE
                   AND EXISTS (
                       SELECT 1 FROM message_attachment_rel rel
                         JOIN ir_attachment att ON att.id = rel.attachment_id
                        WHERE rel.message_id = msg.id
                          AND att.mimetype = 'application/pdf')
                   AND EXISTS (
                       SELECT 1 FROM res_users author
                        WHERE author.partner_id = msg.author_id
                          AND author.share IS NOT TRUE)
                 GROUP BY msg.res_id) first
         WHERE inv.id = first.res_id AND inv.sent_date IS NULL
    """)
    # sent through a way that left no message: its last change is the best
    # date known
    cr.execute("""
        UPDATE account_invoice
           SET sent_date = write_date
         WHERE sent IS TRUE AND sent_date IS NULL
    """)
    invoices = env['account.invoice'].with_context(
        active_test=False).search([])
    invoices.invalidate_cache(['validated_date', 'sent_date'])
    # paid date, lifecycle state and measures from the dates above
    invoices.modified(['state', 'validated_date', 'sent_date'])
    invoices.recompute()


def uninstall_hook(cr, registry):
    """Leave the ledger as it is and let Odoo remove the rest cleanly.

    Odoo deletes the module's data records before it drops its tables: the
    reminder history and the invoices' policy references would block the
    deletion of the policies and stages (an error per row in the log). The
    addon's own rows and references go first. The fee product stays, out of
    the module's data: the fee invoices that use it are part of the
    ledger. The activities on the addon's own records (the health digest,
    a broken promise, a reference value to enter) go through the ORM while
    every column is still there: their deletion recomputes the assignees'
    fields, which fails once Odoo has dropped the addon's columns."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("""
        SELECT model.model FROM ir_model model
          JOIN ir_model_data data
            ON data.model = 'ir.model' AND data.res_id = model.id
         WHERE data.module = 'customer_invoicing_flow'
    """)
    own_models = [row[0] for row in cr.fetchall()]
    env['mail.activity'].search([('res_model', 'in', own_models)]).unlink()
    cr.execute("DELETE FROM payment_reminder_log")
    cr.execute("UPDATE account_invoice SET late_payment_policy_id = NULL "
               "WHERE late_payment_policy_id IS NOT NULL")
    cr.execute("UPDATE res_partner SET late_payment_policy_id = NULL "
               "WHERE late_payment_policy_id IS NOT NULL")
    cr.execute("UPDATE res_company SET late_payment_policy_id = NULL "
               "WHERE late_payment_policy_id IS NOT NULL")
    cr.execute("""
        DELETE FROM ir_model_data data
         USING product_product prod
         WHERE data.module = 'customer_invoicing_flow'
           AND ((data.model = 'product.product' AND data.res_id = prod.id)
                OR (data.model = 'product.template'
                    AND data.res_id = prod.product_tmpl_id))
           AND EXISTS (SELECT 1 FROM account_invoice_line line
                        WHERE line.product_id = prod.id)
    """)


def reload_reminder_templates(cr):
    """Reload the reminder email templates, data loaded once (noupdate), in
    a database installed before a version that changed what they say to
    customers. Their old translations go with them; the update loads the
    new ones from the module's .po files right after the migration."""
    cr.execute("""
        DELETE FROM ir_translation
         WHERE type = 'model' AND name LIKE 'mail.template,%%'
           AND res_id IN (SELECT res_id FROM ir_model_data
                           WHERE module = %s AND model = 'mail.template'
                             AND name LIKE 'mail_template_reminder_%%')
    """, ('customer_invoicing_flow',))
    convert_file(cr, 'customer_invoicing_flow', 'data/mail_template_data.xml',
                 {}, mode='init', noupdate=True, kind='data')
