#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Keeps docs/gst_plugins_cache.json and the reference sections of the element pages current.

  update       run the scanner into docs/gst_plugins_cache.json, then rewrite the pages
  check-cache  run the scanner into the build folder; fail with a diff if docs/ differs
  check-pages  fail with a diff if a page's generated section is not what the cache gives

Each element page (docs/<element>.md) holds a section between the BEGIN and END markers below;
only that section is generated, the prose around it is written by hand.
Python 3 standard library only.
"""

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile

BEGIN = '<!-- generated from docs/gst_plugins_cache.json: begin -->'
END = '<!-- generated from docs/gst_plugins_cache.json: end -->'
UPDATE_HINT = 'run `ninja -C build update-plugins-cache` and commit the result'
SKIP = 77


def run_scanner(scanner, output, plugins):
    result = subprocess.run([scanner, output] + plugins, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout)
        sys.exit('plugins-cache-scanner failed (exit code %d)' % result.returncode)


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def write_if_changed(path, text):
    try:
        if read(path) == text:
            return False
    except FileNotFoundError:
        pass
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return True


def show_diff(expected, actual, expected_name, actual_name):
    sys.stdout.writelines(difflib.unified_diff(
        expected.splitlines(True), actual.splitlines(True), expected_name, actual_name))


# --- the pages -------------------------------------------------------------------------------

def text(s):
    """A cache string as written: the scanner doubles '%', as GStreamer's does."""
    return s.replace('%%', '%')


def cell(s):
    return text(s).replace('|', '\\|').replace('\n', ' ')


def flags_text(prop):
    """What gst-inspect-1.0 says of a property, in short."""
    if not prop.get('writable'):
        flags = ['read-only']
    else:
        flags = ['read/write' if prop.get('readable') else 'write-only']
        if prop.get('construct-only'):
            flags.append('construct-only')
        flags.append({
            'null': '',
            'ready': 'changeable in NULL or READY',
            'paused': 'changeable up to PAUSED',
            'playing': 'changeable in any state',
        }[prop.get('mutable', 'null')])
    if prop.get('controllable'):
        flags.append('controllable')
    if prop.get('conditionally-available'):
        flags.append('conditionally available')
    return ', '.join(f for f in flags if f)


def values_text(prop, other_types):
    kind = other_types.get(prop['type'], {})
    if 'values' in kind:
        sep = ', ' if kind['kind'] == 'enum' else ' \\| '
        return sep.join('`%s`' % v['name'] for v in kind['values'])
    if 'min' in prop and 'max' in prop:
        return '%s – %s' % (prop['min'], prop['max'])
    return ''


def default_text(prop, other_types):
    if 'default' not in prop:
        return ''
    value = text(prop['default'])
    kind = other_types.get(prop['type'], {}).get('kind')
    if kind == 'enum' and value.endswith(')') and ' (' in value:
        value = value[:value.rindex(' (')]
    if prop['type'] == 'gchararray':
        return '""' if value == '' else ('NULL' if value == 'NULL' else '"%s"' % value)
    return '`%s`' % value if value else ''


def element_section(plugin_name, plugin, name, element):
    other_types = plugin.get('other-types', {})
    out = [BEGIN, '', '## Reference', '',
           'Generated from [gst_plugins_cache.json](gst_plugins_cache.json) by '
           '`ninja -C build update-plugins-cache`; do not edit it by hand.', '',
           '| | |', '|---|---|']
    out.append('| factory | `%s` |' % name)
    out.append('| long name | %s |' % cell(element.get('long-name', '')))
    out.append('| klass | %s |' % cell(element.get('klass', '')))
    out.append('| rank | %s |' % element['rank'])
    out.append('| description | %s |' % cell(element.get('description', '')))
    out.append('| author | %s |' % cell(element.get('author', '')))
    out.append('| plugin | `%s` (lib%s.so), %s |' % (plugin_name, plugin['filename'],
                                                   cell(plugin['license'])))
    out.append('| hierarchy | %s |' % ' → '.join(element['hierarchy']))
    if element.get('interfaces'):
        out.append('| interfaces | %s |' % ', '.join(element['interfaces']))

    out += ['', '### Pad templates', '']
    for pad, tmpl in sorted(element.get('pad-templates', {}).items()):
        out.append('`%s` (%s, %s):' % (text(pad), tmpl['direction'], tmpl['presence']))
        out += ['', '```', text(tmpl['caps']).rstrip('\n'), '```', '']

    props = element.get('properties', {})
    if props:
        out += ['### Properties', '',
                '| property | type | values | default | flags | description |',
                '|---|---|---|---|---|---|']
        for pname, prop in sorted(props.items()):
            out.append('| `%s` | %s | %s | %s | %s | %s |' % (
                pname, prop['type'], values_text(prop, other_types),
                default_text(prop, other_types), flags_text(prop), cell(prop['blurb'])))
        out.append('')
        used = sorted({p['type'] for p in props.values()
                       if other_types.get(p['type'], {}).get('values')})
        for tname in used:
            kind = other_types[tname]
            out += ['%s `%s`:' % ('Flags' if kind['kind'] == 'flags' else 'Enum', tname), '',
                    '| value | name | description |', '|---|---|---|']
            for v in kind['values']:
                out.append('| %s | `%s` | %s |' % (v['value'], cell(v['name']), cell(v['desc'])))
            out.append('')

    signals = element.get('signals', {})
    if signals:
        out += ['### Signals', '']
        for sname, sig in sorted(signals.items()):
            args = ', '.join(a['type'] for a in sig['args'])
            out.append('- `%s` (%s) → %s' % (sname, args, sig['return-type']))
        out.append('')

    out.append(END)
    return '\n'.join(out) + '\n'


def render_pages(cache, docs_dir):
    """{path: new text} for every element page; fails if a page or its markers are missing."""
    pages = {}
    for plugin_name, plugin in sorted(cache.items()):
        for name, element in sorted(plugin['elements'].items()):
            path = os.path.join(docs_dir, name + '.md')
            try:
                old = read(path)
            except FileNotFoundError:
                sys.exit('%s: no page for element %s (write one with the two markers)' %
                         (path, name))
            start, stop = old.find(BEGIN), old.find(END)
            if start < 0 or stop < start:
                sys.exit('%s: the markers are missing; put these two lines where the reference '
                         'goes:\n%s\n%s' % (path, BEGIN, END))
            stop += len(END)
            if old[stop:stop + 1] == '\n':
                stop += 1
            pages[path] = old[:start] + element_section(plugin_name, plugin, name, element) + \
                old[stop:]
    return pages


def load_cache(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


# --- commands --------------------------------------------------------------------------------

def cmd_update(args):
    if args.missing:
        sys.exit('not every plugin is built (missing: %s); the cache documents them all' %
                 args.missing)
    cache_path = os.path.join(args.docs_dir, 'gst_plugins_cache.json')
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, 'gst_plugins_cache.json')
        run_scanner(args.scanner, fresh, args.plugins)
        if write_if_changed(cache_path, read(fresh)):
            print('updated', cache_path)
    for path, new in render_pages(load_cache(cache_path), args.docs_dir).items():
        if write_if_changed(path, new):
            print('updated', path)
    return 0


def cmd_check_cache(args):
    if args.missing:
        print('not every plugin is built (missing: %s), so the cache cannot be compared' %
              args.missing)
        return SKIP
    cache_path = os.path.join(args.docs_dir, 'gst_plugins_cache.json')
    fresh = os.path.join(args.build_dir, 'gst_plugins_cache.json')
    run_scanner(args.scanner, fresh, args.plugins)
    expected, actual = read(cache_path), read(fresh)
    if expected == actual:
        print('%s is up to date' % cache_path)
        return 0
    show_diff(expected, actual, 'docs/gst_plugins_cache.json (checked in)',
              'gst_plugins_cache.json (from the build)')
    print('\n%s does not describe the plugins as built: %s.' % (cache_path, UPDATE_HINT))
    return 1


def cmd_check_pages(args):
    cache_path = os.path.join(args.docs_dir, 'gst_plugins_cache.json')
    stale = 0
    for path, new in sorted(render_pages(load_cache(cache_path), args.docs_dir).items()):
        old = read(path)
        if old != new:
            show_diff(old, new, path + ' (checked in)', path + ' (from the cache)')
            stale += 1
    if stale:
        print('\n%d element page(s) do not match docs/gst_plugins_cache.json: %s.' %
              (stale, UPDATE_HINT))
        return 1
    print('every element page matches the cache')
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    for name in ('update', 'check-cache'):
        p = sub.add_parser(name)
        p.add_argument('--scanner', required=True)
        p.add_argument('--docs-dir', required=True)
        p.add_argument('--missing', default='',
                       help='plugins this build does not have (the cache needs them all)')
        if name == 'check-cache':
            p.add_argument('--build-dir', required=True)
        p.add_argument('plugins', nargs='+')
    p = sub.add_parser('check-pages')
    p.add_argument('--docs-dir', required=True)
    args = parser.parse_args()
    return {'update': cmd_update, 'check-cache': cmd_check_cache,
            'check-pages': cmd_check_pages}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
