"""Create (or update, when the addon changed) the demo database with the
addon and its demo data, and serve Odoo on it: ``make demo``, through
bin/demo (the environment).

The port: the one the demo database's links already lead to (a database
made by an earlier ``make demo``), else CIF_HTTP_PORT or 8069; a free port
when that one is taken. Installing with --http-port=PORT makes Odoo set
web.base.url to http://localhost:PORT before the demo data sends its
reminders, so their links lead to this server too. CIF_BASE_URL names
another address the customers reach (e.g. behind a proxy).
"""
import argparse
import hashlib
import os
import subprocess

import cif_tools


def addon_hash():
    """A hash of the addon's files (tests and caches aside): the demo
    database is updated when it changes."""
    addon = os.path.join(cif_tools.ROOT, cif_tools.MODULE)
    lines = []
    for folder, dirs, files in os.walk(addon):
        dirs[:] = [name for name in dirs if name not in ('__pycache__', 'tests')]
        for name in files:
            path = os.path.join(folder, name)
            with open(path, 'rb') as content:
                digest = hashlib.sha256(content.read()).hexdigest()
            lines.append('%s  %s\n' % (digest, os.path.relpath(path, cif_tools.ROOT)))
    return hashlib.sha256(''.join(sorted(lines)).encode()).hexdigest()


def served_port(db):
    """The port of the links of an existing demo database, CIF_HTTP_PORT or
    8069; a free one when it is taken."""
    port = os.environ.get('CIF_HTTP_PORT')
    if not port and cif_tools.db_exists(db):
        try:
            port = cif_tools.psql_value(
                "SELECT substring(value from '^http://localhost:([0-9]+)/?$') "
                "FROM ir_config_parameter WHERE key = 'web.base.url'", db=db)
        except subprocess.CalledProcessError:
            port = None
    port = int(port or 8069)
    if not cif_tools.port_is_free(port):
        taken, port = port, cif_tools.free_port()
        cif_tools.say('port %d is taken; using the free port %d instead' % (taken, port))
        if cif_tools.db_exists(db):
            cif_tools.say('(links in the emails already sent by the demo lead to port %d)' % taken)
    return port


def read_stamp(path):
    """The hash the demo database was last installed or updated from."""
    try:
        with open(path) as stamp:
            return stamp.read().strip()
    except IOError:
        return None


def odoo_step(db, port, log, *odoo_args):
    return subprocess.call(cif_tools.odoo_command(
        '-d', db, '--stop-after-init', '--log-level=warn', '--http-port=%d' % port,
        '--logfile=%s' % os.path.join(cif_tools.LOGS, log), *odoo_args)) == 0


def main():
    parser = argparse.ArgumentParser(prog='bin/demo', description=__doc__.split('\n\n')[0])
    parser.add_argument('--db', default=os.environ.get('DEMO_DB') or 'cif_demo',
                        help='the demo database (default: DEMO_DB, else cif_demo)')
    db = parser.parse_args().db
    os.chdir(cif_tools.ROOT)
    os.makedirs(cif_tools.LOGS, exist_ok=True)
    wanted = addon_hash()
    stamp = os.path.join(cif_tools.LOCAL, 'demo-%s.stamp' % db)
    port = served_port(db)
    if not cif_tools.db_exists(db):
        cif_tools.say('creating the demo database %s (about a minute)' % db)
        if os.path.exists(stamp):
            os.remove(stamp)
        if not odoo_step(db, port, 'demo-install.log', '-i', cif_tools.MODULE):
            cif_tools.die('installation failed; see %s/demo-install.log' % cif_tools.LOGS)
    elif read_stamp(stamp) != wanted:
        cif_tools.say('the addon changed: updating it in %s' % db)
        if not odoo_step(db, port, 'demo-update.log', '-u', cif_tools.MODULE):
            cif_tools.die('update failed; see %s/demo-update.log' % cif_tools.LOGS)
    with open(stamp, 'w') as stamp_file:
        stamp_file.write(wanted + '\n')
    # links in the emails and portal pages lead to this server
    base_url = os.environ.get('CIF_BASE_URL') or 'http://localhost:%d' % port
    cif_tools.set_served_urls(db, port, base_url)
    cif_tools.say('links in emails and on the portal lead to %s (web.base.url, frozen)' % base_url)
    cif_tools.say('Odoo is at http://localhost:%d  (login admin / password admin, database %s); '
                  'Ctrl-C stops it' % (port, db))
    command = cif_tools.odoo_command('-d', db, '--db-filter=^%s$' % db, '--http-port=%d' % port)
    os.execv(command[0], command)


if __name__ == '__main__':
    main()
