# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""toml_check.py STOCK NEW TABLE[,TABLE...]: JSON with whether NEW is valid TOML (tomllib), whether its lines
outside the given tables equal STOCK's, and NEW's data."""

import json
import sys
import tomllib


def outside(text, tables):
    kept, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith('['):
            inside = stripped.strip('[]') in tables
        if not inside and stripped:
            kept.append(line)
    return kept


def main():
    stock_path, new_path, tables = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
    with open(stock_path) as handle:
        stock = handle.read()
    with open(new_path) as handle:
        new = handle.read()
    try:
        data = tomllib.loads(new)
        valid = True
    except tomllib.TOMLDecodeError as exc:
        data, valid = {'error': str(exc)}, False
    print(json.dumps({'valid': valid, 'outside_same': outside(stock, tables) == outside(new, tables),
                      'new_text': new, 'data': data}))


if __name__ == '__main__':
    main()
