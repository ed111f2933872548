"""HTTP smoke test of a database: serve it, GET /web/login, log in as admin
and fetch every backend CSS/JS bundle, failing on LESS compilation errors.

Usage (the environment comes from bin/lib.sh): python bin/smoke_http.py DB
"""
import os
import re
import sys

import requests

from cif_tools import OdooServer

ASSET_ERRORS = ('Could not execute command', 'lessc', 'Style compilation failed')


def main(db):
    log_path = os.path.join(os.environ.get('CIF_LOGS', '/tmp'), 'smoke-%s.log' % db)
    with OdooServer(db, log_path, python=sys.executable, timeout=120) as server:
        base = server.url
        session = requests.Session()
        login = session.get(base + '/web/login')
        assert login.status_code == 200, 'GET /web/login: %s' % login.status_code
        print('GET /web/login: 200')
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        resp = session.post(base + '/web/login', data={
            'login': 'admin', 'password': 'admin', 'csrf_token': token, 'db': db})
        resp = session.get(base + '/web')
        assert resp.status_code == 200 and 'odoo.session_info' in resp.text, 'login as admin failed'
        bundles = sorted(set(re.findall(r'(?:href|src)="(/web/content/[^"]+\.(?:css|js))"', resp.text)))
        assert bundles, 'no asset bundle in the backend page'
        for url in bundles:
            asset = session.get(base + url)
            assert asset.status_code == 200, '%s: %s' % (url, asset.status_code)
            errors = [e for e in ASSET_ERRORS if e in asset.text and url.endswith('.css')]
            assert not errors, '%s contains %s' % (url, errors)
            print('%s: %d bytes' % (url, len(asset.content)))
    with open(log_path) as log:
        errors = [line for line in log if ' ERROR ' in line or 'lessc' in line]
    assert not errors, 'server log %s:\n%s' % (log_path, ''.join(errors))
    print('HTTP smoke test passed')


if __name__ == '__main__':
    main(sys.argv[1])
