# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""11.0.1.1.0: the reminder emails state what the stage did.

The five reminder templates are data loaded once (noupdate), so a database
installed before keeps the 11.0.1.0.0 wording, which claimed a fee charged
when none was and threatened a credit hold the policy did not have. Those
claims reach customers: the templates are reloaded once, here. Their old
translations go with them; the update loads the new ones from the module's
.po files right after this script."""
from odoo.tools import convert_file

MODULE = 'customer_invoicing_flow'


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        DELETE FROM ir_translation
         WHERE type = 'model' AND name LIKE 'mail.template,%%'
           AND res_id IN (SELECT res_id FROM ir_model_data
                           WHERE module = %s AND model = 'mail.template'
                             AND name LIKE 'mail_template_reminder_%%')
    """, (MODULE,))
    convert_file(cr, MODULE, 'data/mail_template_data.xml', {},
                 mode='init', noupdate=True, kind='data')
