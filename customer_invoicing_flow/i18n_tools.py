# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The module's translation template, as ``bin/update-pot`` writes it and
``tests/test_i18n.py`` checks it, so that both agree on what "the module's
template" is:

* the export is Odoo's own (``odoo.tools.translate.trans_export``, no
  language: a template);
* the header dates, and the line numbers of the references to Python code,
  are ignored when comparing: moving a line is no change for translators;
* the terms of demo records are left out: the template is the one of a
  database without demo data, whichever database it is generated on.

Odoo is imported inside the functions that need it: the text functions
work without it.
"""
import io
import os
import re

MODULE = 'customer_invoicing_flow'
POT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'i18n',
                        MODULE + '.pot')

HEADER_DATE = re.compile(
    r'^"(?:POT-Creation-Date|PO-Revision-Date): [^"]*\\n"\n', re.MULTILINE)
CODE_LINE_NUMBER = re.compile(r'^(#: code:\S+):\d+$', re.MULTILINE)


def strip_header_dates(text):
    """The template without its creation and revision dates."""
    return HEADER_DATE.sub('', text)


def comparable(text):
    """The template without what changes when nothing a translator sees
    does: the header dates and the line numbers in ``#: code:`` lines."""
    return CODE_LINE_NUMBER.sub(r'\1', strip_header_dates(text))


def demo_xmlids(module=MODULE):
    """The external ids of the records of the module's demo files."""
    from lxml import etree
    from odoo.modules.module import (
        get_module_path, load_information_from_description_file)
    manifest = load_information_from_description_file(module)
    path = get_module_path(module)
    xmlids = set()
    for filename in manifest.get('demo', []):
        if not filename.endswith('.xml'):
            continue
        tree = etree.parse(os.path.join(path, filename))
        for xmlid in tree.xpath('//@id'):
            xmlids.add(xmlid if '.' in xmlid else '%s.%s' % (module, xmlid))
    return xmlids


def drop_references(text, is_dropped):
    """Remove the ``#: model:...:XMLID`` references for which
    ``is_dropped(xmlid)`` is true, and the entries left without any
    reference."""
    blocks = text.split('\n\n')
    kept = []
    for block in blocks:
        lines = block.split('\n')
        refs = [line for line in lines if line.startswith('#: ')]
        if not refs:
            kept.append(block)
            continue
        lines = [
            line for line in lines
            if not (line.startswith('#: model:')
                    and is_dropped(line.rsplit(':', 1)[1]))]
        if any(line.startswith('#: ') for line in lines):
            kept.append('\n'.join(lines))
    return '\n\n'.join(kept)


def is_demo_xmlid(demo):
    """Whether an external id is a demo record's: one of ``demo``, or the
    parent record Odoo creates with it (``<id>_product_template`` for a
    product)."""
    prefixes = tuple(xmlid + '_' for xmlid in demo)

    def is_demo(xmlid):
        return xmlid in demo or xmlid.startswith(prefixes)
    return is_demo


def generate_pot(env, module=MODULE):
    """The module's translation template, as Odoo exports it from ``env``'s
    database, without the terms of demo records.

    Odoo's export extracts the terms of the Python code only from modules
    in the state "installed", and Odoo's own test runner
    (``--test-enable``) tests a module while it is still "to install" or
    "to upgrade" (it marks it installed after its tests): the module is
    exported as installed here, in a savepoint rolled back afterwards, so
    both test runners (and ``bin/update-pot``) export the same template."""
    from odoo.tools.translate import trans_export
    buf = io.BytesIO()
    env.cr.execute('SAVEPOINT cif_generate_pot')
    try:
        env.cr.execute("UPDATE ir_module_module SET state = 'installed' "
                       "WHERE name = %s AND state IN ('to install', "
                       "'to upgrade')", (module,))
        env['ir.module.module'].invalidate_cache(['state'])
        trans_export(False, [module], buf, 'po', env.cr)
    finally:
        env.cr.execute('ROLLBACK TO SAVEPOINT cif_generate_pot')
        env['ir.module.module'].invalidate_cache(['state'])
    text = buf.getvalue().decode('utf-8')
    if env['ir.module.module'].search([('name', '=', module)]).demo:
        text = drop_references(text, is_demo_xmlid(demo_xmlids(module)))
    return text


def write_pot(env, pot_path=POT_PATH, module=MODULE):
    """Write the template generated from ``env``'s database to
    ``pot_path``, unless only its header dates would change (running it
    twice gives the same file). Returns (written, number of terms)."""
    text = generate_pot(env, module)
    try:
        with io.open(pot_path, encoding='utf-8') as potfile:
            old = potfile.read()
    except IOError:
        old = ''
    count = text.count('\nmsgid ') - 1
    if strip_header_dates(old) == strip_header_dates(text):
        return False, count
    with io.open(pot_path, 'w', encoding='utf-8') as potfile:
        potfile.write(text)
    return True, count
