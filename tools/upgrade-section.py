#!/usr/bin/env python3
"""Development aid for ar_credit 0.3.0: writes the dunning/tracking section of
upgrade/ar_credit--0.2.0--0.3.0.sql from the install script sections, so the
definitions in both stay the same (test/upgrade.sh compares the catalogues).

    tools/upgrade-section.py            rewrite the section in place

The section is: upgrade/src/0.3.0-dunning-prologue.sql (the 0.2.0 tables set
aside), the objects of scripts/50_dunning.sql from ar_credit.clip() on and
all of scripts/55_tracking.sql and 56_holds.sql with CREATE FUNCTION as CREATE OR REPLACE,
then upgrade/src/0.3.0-dunning-epilogue.sql (the rows copied over).  Once
0.3.0 is released the update script is frozen and this tool retires."""
import os
import re
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
up = os.path.join(root, 'upgrade', 'ar_credit--0.2.0--0.3.0.sql')
BEGIN = '-- 50 dunning (SPEC sections 7 and 10: tracking any finance table, workers)\n'
END = '\n-- ---------------------------------------------------------------------\n-- 60 identity'


def read(*p):
    with open(os.path.join(root, *p)) as f:
        return f.read()


def body(text):
    text = re.sub(r'^\\echo .*\n', '', text)
    return re.sub(r'^CREATE FUNCTION ', 'CREATE OR REPLACE FUNCTION ', text, flags=re.M)


dunning = read('scripts', '50_dunning.sql')
dunning = dunning[dunning.index('CREATE FUNCTION ar_credit.clip('):]
section = ('-- ---------------------------------------------------------------------\n\n'
           + read('upgrade', 'src', '0.3.0-dunning-prologue.sql') + '\n'
           + body(dunning) + '\n' + body(read('scripts', '55_tracking.sql')) + '\n'
           + body(read('scripts', '56_holds.sql')) + '\n'
           + read('upgrade', 'src', '0.3.0-dunning-epilogue.sql'))
text = read('upgrade', 'ar_credit--0.2.0--0.3.0.sql')
a = text.index(BEGIN) + len(BEGIN)
b = text.index(END, a)
text = text[:a] + section + text[b:]
with open(up, 'w') as f:
    f.write(text)
print('wrote', os.path.relpath(up, root), file=sys.stderr)
