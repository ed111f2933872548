"""Benchmark of the Follow-up list (issue 15, point 1: its first page and
each of its filters in well under a second at 100,000 open invoices):
bin/bench-followup (the environment) runs this file in the Odoo virtualenv;
see --help.

DB holds the invoices already, e.g. the set-up of bin/bench-reminders
(a copy of base_nodemo or of a bench template, then)::

    bin/bench_reminders.py --step setup DB 140 2025-06-16
    bin/bench_reminders.py --step replicate DB 100000 2025-06-16

Nothing is written: every call runs in a cursor rolled back at the end.

What the web client sends when the Follow-up menu is opened and a filter
clicked, with the action's domain and context (and the user's context,
``bin_size``):

- the default page: Odoo's "Overdue" filter, grouped by customer
  (``search_default_late``, ``search_default_group_by_partner_id``): one
  ``read_group`` over the list's fields (every group is returned, as
  Odoo 11's list asks for no limit);
- then each filter of the list's search view alone, ungrouped: as
  ``/web/dataset/search_read``, ``search_read`` of the first 80 rows with
  the fields of the list view (from its ``fields_view_get``), then
  ``search_count`` when the page is full;
- the case ``stored`` (not in the default cases): the page without a
  filter, reading the list's stored columns only (Odoo's part of the
  page: the computed late-payment columns left out).

"Today" is ``--as-of`` (default 2025-06-16, the set-up's day) for the
filters' dates and the late-payment status (the context's
``late_payment_as_of``); ``--today`` uses the real day instead (every
generated invoice is then long past due).

Each figure is the median of ``--runs`` measured calls (after one
discarded warm-up call), each in a fresh environment (empty record cache,
the registry and views warm, as a running server's). Queries: the
cursor's ``sql_log_count``. The load average is printed beside.
"""
import argparse
import os
import statistics
import sys
import time
from datetime import datetime

import odoo
from lxml import etree
from odoo import api
from odoo.tools.safe_eval import safe_eval

import cif_tools

AS_OF = '2025-06-16'
ACTION = 'customer_invoicing_flow.account_invoice_follow_up_action'
TREE = 'customer_invoicing_flow.account_invoice_view_tree_follow_up'
# the filters measured: Odoo's "Overdue" (the action's default), then the
# addon's (views/follow_up_views.xml)
FILTERS = ('late', 'in_grace', 'late_payment', 'payment_hold', 'credit_hold',
           'not_reminded', 'reminded')
PAGE = 80


class FrozenTime:
    """``time`` of the search view's domains, at ``day``."""

    def __init__(self, day):
        self.day = datetime.strptime(day, '%Y-%m-%d')

    def strftime(self, fmt):
        return self.day.strftime(fmt)


def list_fields(env):
    """The field names of the Follow-up list view, as the web client asks
    for them."""
    view = env.ref(TREE)
    arch = env['account.invoice'].fields_view_get(view.id, 'tree')['arch']
    return [node.get('name') for node in etree.fromstring(arch).iter('field')]


def filter_domains(env, day):
    """{filter name: its domain} of the action's search view, evaluated as
    the web client does with "today" = ``day``."""
    action = env.ref(ACTION)
    arch = env['account.invoice'].fields_view_get(
        action.search_view_id.id, 'search')['arch']
    evaluation = {'time': FrozenTime(day), 'uid': env.uid,
                  'context': env.context}
    domains = {}
    for node in etree.fromstring(arch).iter('filter'):
        if node.get('name') in FILTERS and node.get('domain'):
            domains[node.get('name')] = safe_eval(node.get('domain'),
                                                  evaluation)
    missing = set(FILTERS) - set(domains)
    assert not missing, 'filters not in the search view: %s' % missing
    return domains


def environment(cr, uid, as_of):
    """The action's environment: the user's context, the action's, and
    ``bin_size`` as the web client's."""
    env = api.Environment(cr, uid, {})
    action = env.ref(ACTION)
    context = dict(env['res.users'].context_get())
    context.update(safe_eval(action.context, {'uid': uid}))
    context['bin_size'] = True
    if as_of:
        context['late_payment_as_of'] = as_of
    domain = safe_eval(action.domain, {'uid': uid})
    return env(context=context), domain


def timed(cr, call):
    """(result, ms, queries) of ``call()``."""
    queries = cr.sql_log_count
    started = time.time()
    result = call()
    return result, (time.time() - started) * 1000, cr.sql_log_count - queries


def measure(registry, uid, as_of, day, case, runs):
    """The medians of ``runs`` calls of ``case`` (and the warm-up before):
    {'rows', 'count', 'read_ms', 'read_q', 'count_ms', 'count_q'}."""
    figures = []
    for run in range(runs + 1):
        with api.Environment.manage(), registry.cursor() as cr:
            env, domain = environment(cr, uid, as_of)
            invoices = env['account.invoice']
            fields = list_fields(env)
            if case == 'default':
                domain = domain + filter_domains(env, day)['late']
                groupby = env.context.get('group_by') or 'commercial_partner_id'
                env.clear()
                groups, read_ms, read_q = timed(cr, lambda: invoices.read_group(
                    domain, list(set(fields) | {groupby}), [groupby], lazy=True))
                rows, count, count_ms, count_q = len(groups), sum(
                    group['%s_count' % groupby] for group in groups), 0.0, 0
            else:
                if case == 'stored':
                    # the reference: the list's stored columns only
                    fields = [name for name in fields
                              if invoices._fields[name].store]
                elif case != 'none':
                    domain = domain + filter_domains(env, day)[case]
                env.clear()
                records, read_ms, read_q = timed(cr, lambda: invoices.search_read(
                    domain, fields, offset=0, limit=PAGE, order=False))
                rows = len(records)
                if rows == PAGE:
                    count, count_ms, count_q = timed(
                        cr, lambda: invoices.search_count(domain))
                else:
                    count, count_ms, count_q = rows, 0.0, 0
            cr.rollback()
        if run:
            figures.append((read_ms, read_q, count_ms, count_q))
    return {
        'rows': rows, 'count': count,
        'read_ms': statistics.median(f[0] for f in figures),
        'read_q': statistics.median(f[1] for f in figures),
        'count_ms': statistics.median(f[2] for f in figures),
        'count_q': statistics.median(f[3] for f in figures),
    }


def open_invoices(registry):
    with registry.cursor() as cr:
        cr.execute("""
            SELECT COUNT(*) FROM account_invoice
             WHERE type = 'out_invoice' AND state = 'open'""")
        return cr.fetchone()[0]


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='bin/bench-followup', description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('db', metavar='DB',
                        help='a database with the addon and the invoices')
    parser.add_argument('--as-of', default=AS_OF, metavar='DATE',
                        help='the day the list is opened (default: %s)' % AS_OF)
    parser.add_argument('--today', action='store_true',
                        help='open it today instead (no late_payment_as_of)')
    parser.add_argument('--runs', type=int, default=3,
                        help='measured calls per case, the median kept '
                             '(default: 3)')
    parser.add_argument('--login', default='admin',
                        help='the user who opens the list (default: admin)')
    parser.add_argument('--cases', default=','.join(('default', 'none') + FILTERS),
                        help='the cases, separated by commas (default: %(default)s)')
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    odoo.tools.config.parse_config(['-c', cif_tools.ODOO_CONF, '-d', args.db,
                                    '--log-level=warn'])
    registry = odoo.registry(args.db)
    with api.Environment.manage(), registry.cursor() as cr:
        user = api.Environment(cr, odoo.SUPERUSER_ID, {})['res.users'].search(
            [('login', '=', args.login)])
        assert user, 'no user %s' % args.login
        uid = user.id
    as_of = None if args.today else args.as_of
    day = time.strftime('%Y-%m-%d') if args.today else args.as_of
    n = open_invoices(registry)
    print('%s: %d open customer invoices, as of %s, user %s, %d runs, '
          'the addon from %s' % (
              args.db, n, day, args.login, args.runs,
              odoo.modules.get_module_path(cif_tools.MODULE)))
    print('\n| open invoices | filter | rows | count | search_read 80 (ms) '
          '| queries | search_count (ms) | queries | total (ms) | load |')
    print('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    for case in args.cases.split(','):
        result = measure(registry, uid, as_of, day, case, args.runs)
        label = {'default': 'default: Overdue, read_group by customer',
                 'stored': 'none, stored columns only'}.get(case, case)
        print('| %d | %s | %d | %d | %.0f | %d | %.0f | %d | %.0f | %.2f |' % (
            n, label, result['rows'], result['count'], result['read_ms'],
            result['read_q'], result['count_ms'], result['count_q'],
            result['read_ms'] + result['count_ms'], os.getloadavg()[0]))


if __name__ == '__main__':
    main()
