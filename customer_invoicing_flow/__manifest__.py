# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Invoicing Flow",
    "summary": "Invoice on delivery, late-payment policies and fees, "
               "invoice lifecycle tracking",
    "version": "11.0.1.1.0",
    "category": "Accounting",
    "license": "LGPL-3",
    "author": "customer_invoicing_flow contributors",
    "website": "https://github.com/customer-invoicing-flow/customer_invoicing_flow",
    "depends": [
        "sale_stock",
    ],
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "data": [
        "security/customer_invoicing_flow_security.xml",
        "security/ir.model.access.csv",
        "security/late_payment_policy_security.xml",
        "data/mail_template_data.xml",
        "data/mail_template_statement.xml",
        "data/late_payment_policy_data.xml",
        "views/late_payment_policy_views.xml",
        "wizards/late_payment_hold_wizard_views.xml",
        "wizards/payment_reminder_send_wizard_views.xml",
        "wizards/collections_result_wizard_views.xml",
        "data/ir_cron.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/account_invoice_views.xml",
        "views/payment_reminder_log_views.xml",
        "views/follow_up_views.xml",
        "views/collections_analysis_views.xml",
        "views/collections_dashboard_views.xml",
        "report/account_invoice_report.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/customer_invoicing_flow_demo.xml",
    ],
}
