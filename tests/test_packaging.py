"""The wheel installs next to Odoo and Odoo finds the module there.

Runs with the Odoo virtualenv's Python and without a database:
    .venv/bin/pytest -p no:odoo tests
"""
import ast
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIND_MODULE = (
    "import odoo\n"
    "odoo.tools.config.parse_config([])\n"
    "from odoo.modules import module\n"
    "path = module.get_module_path('customer_invoicing_flow')\n"
    "info = module.load_information_from_description_file('customer_invoicing_flow')\n"
    "print(path)\n"
    "print(info['installable'], info['version'])\n"
)


def run(*args, **kwargs):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, **kwargs).stdout


def test_wheel_installs_next_to_odoo(tmp_path):
    # Build from a copy: setuptools leaves a build/ folder in the source tree,
    # whose stale files would end up in the next wheel.
    source = tmp_path / 'source'
    shutil.copytree(ROOT, str(source), ignore=shutil.ignore_patterns(
        '.git', '.venv', '.local', 'build', '*.egg-info', '__pycache__'))
    dist = tmp_path / 'dist'
    run(sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation',
        '--disable-pip-version-check', '-q', '-w', str(dist), str(source))
    wheels = glob.glob(str(dist / 'odoo11_addon_customer_invoicing_flow-11.0.*.whl'))
    assert len(wheels) == 1, os.listdir(str(dist))

    # A scratch environment that sees the Odoo installation through a .pth
    # file, as a site with Odoo installed system-wide would.
    scratch = tmp_path / 'scratch'
    venv.create(str(scratch), with_pip=True)
    python = str(scratch / 'bin' / 'python')
    site = run(python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])').strip()
    with open(os.path.join(site, 'odoo-site.pth'), 'w') as pth:
        pth.write(sysconfig.get_paths()['purelib'] + '\n')
    run(python, '-m', 'pip', 'install', '--no-deps', '--disable-pip-version-check', '-q', wheels[0])

    env = {k: v for k, v in os.environ.items() if k not in ('ODOO_RC', 'OPENERP_SERVER', 'PYTHONPATH')}
    # Run from the scratch folder so the repository's own copy of the addon
    # is not on any path.
    out = run(python, '-c', FIND_MODULE, cwd=str(tmp_path), env=env).split('\n')
    installed = os.path.join(site, 'odoo', 'addons', 'customer_invoicing_flow')
    assert out[-3] == installed
    assert out[-2] == 'True %s' % read_manifest_version()
    assert os.path.isfile(os.path.join(installed, 'security', 'customer_invoicing_flow_security.xml'))


def read_manifest_version():
    with open(os.path.join(ROOT, 'customer_invoicing_flow', '__manifest__.py')) as manifest:
        return ast.literal_eval(manifest.read())['version']
