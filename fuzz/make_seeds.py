#!/usr/bin/env python3
"""Writes the seed inputs of the binary fuzz targets (fuzz/corpus/<target>).

The text targets' seeds (terms, names) are plain files edited by hand; the
binary ones are laid out here, field by field, in the order the targets
read them (fuzz/fuzz.h: little-endian, a value in [lo, hi] is lo + u64 % span),
so each seed says which case it stands for.  Run from the repository root:
    python3 fuzz/make_seeds.py
"""
import os
import struct

ARD_MIN_DATE = -2451545
ARD_MAX_DATE = 2147483494 - 2451545 - 1
MARGIN = 1 << 34


def u8(v):
    return struct.pack('<B', v & 0xFF)


def u16(v):
    return struct.pack('<H', v & 0xFFFF)


def u32(v):
    return struct.pack('<I', v & 0xFFFFFFFF)


def u64(v):
    return struct.pack('<Q', v & 0xFFFFFFFFFFFFFFFF)


def rng(v, lo):
    """the 8 bytes fuzz_range(lo, hi) reads as v"""
    return u64(v - lo)


def days_from_ymd(y, m, d):
    """days since 2000-01-01 (proleptic Gregorian), as ard_from_ymd"""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468 - 10957


def write(target, name, data):
    d = os.path.join('fuzz', 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


# fuzz_dates: mode, date (by mode), b - a, c - b, months, day of month, int16 day
def dates(name, mode, first, db=1, dc=1, months=1, dom=1, wild_dom=0):
    write('dates', name, u8(mode) + first + rng(db, -100000) + rng(dc, -100000) +
          rng(months, -(1 << 32)) + u8(dom - 1) + u16(wild_dom))


dates('in_range_2024_leap_day', 1, rng(days_from_ymd(2024, 2, 29), ARD_MIN_DATE), 1, 366, 12, 31, 0)
dates('range_start', 1, rng(ARD_MIN_DATE, ARD_MIN_DATE), 59, 365, -1, 29, 0xFFFF)
dates('range_end', 1, rng(ARD_MAX_DATE, ARD_MIN_DATE), -1, -365, 1, 31, 32767)
dates('far_below_range', 0, rng(ARD_MIN_DATE - MARGIN, ARD_MIN_DATE - MARGIN), 100000, -3, -(1 << 32), 1, 0x8000)
dates('far_above_range', 0, rng(ARD_MAX_DATE + MARGIN, ARD_MIN_DATE - MARGIN), -100000, 7, 1 << 32, 15, 0)
# anchors: 0 = range start, 1 = range end, 2 = 2000-01-01, 3 = 0000-03-01,
# 4 = end of the 32-bit fast path, 5 = 2100, 6 = 1900
dates('year_0_march', 2, u8(3) + rng(0, -2000), -1, 2, 11, 31, 0)
dates('fast_path_edge', 2, u8(4) + rng(-1, -2000), 2, 1, 1, 30, 0)
dates('century_2100_feb', 2, u8(5) + rng(-1, -2000), 1, 1, 1, 29, 0)
dates('century_1900_jan31_plus_month', 2 | 4, u8(6) + rng(-29, -2000), 30, 1, 1, 31, 0)
dates('year_minus_4713', 3, rng(-4713, -5000000) + u8(10) + u8(23), 1, 1, -12, 24, 0)
dates('year_5874897', 3, rng(5874897, -5000000) + u8(11) + u8(30), -1, 1, -600, 31, 0)

# fuzz_interest: selector (fixing = low nibble % 3, day count = bits 4-5, bit 7 =
# near a range end), due, span selector, paid - due
HALF, START, REF = 0, 1, 2
A365, AACT, A360, E30 = 0, 1, 2, 3


def interest(name, fixing, dc, due, span, end=None):
    sel = fixing | (dc << 4)
    if end is None:
        first = rng(due, ARD_MIN_DATE)
    else:
        sel |= 0x80
        first = u8(end) + rng(due, -5000)
    long_span = 0xF0 if span > (1 << 12) else 0
    write('interest', name, u8(sel) + first + u8(long_span) + rng(span, -1000))


interest('fr_half_year_act365_2023', HALF, A365, days_from_ymd(2023, 5, 31), 400)
interest('public_start_half_year', START, A365, days_from_ymd(2024, 6, 30), 200)
interest('uk_reference_day', REF, A365, days_from_ymd(2024, 1, 1), 90)
interest('act_act_over_leap_year', HALF, AACT, days_from_ymd(2023, 12, 31), 800)
interest('act360', HALF, A360, days_from_ymd(2024, 2, 28), 35)
interest('e30_360_month_ends', HALF, E30, days_from_ymd(2024, 1, 30), 62)
interest('paid_before_due', HALF, A365, days_from_ymd(2024, 3, 1), -10)
interest('paid_on_due', REF, AACT, days_from_ymd(2024, 3, 1), 0)
interest('long_period_360_years', HALF, AACT, days_from_ymd(1800, 1, 1), 1 << 17)
interest('range_end', HALF, AACT, -3, 3, end=1)
interest('range_start', REF, E30, 0, 500, end=0)

# fuzz_aging: n, mode (bit 0 = bounds as small steps, bit 1 = days as int16),
# bounds, days, paydex days (double bits), paydex step


def aging(name, bounds, days, paydex_days, steps=False, dx=16):
    mode = (1 if steps else 0) | 2
    body = b''
    prev = 0
    for b in bounds:
        if steps:
            body += u8(b - prev)
            prev = b
        else:
            body += u32(b)
    write('aging', name, u8(len(bounds)) + u8(mode) + body + u64(days & 0xFFFF) +
          struct.pack('<d', paydex_days) + u16(dx))


aging('standard_30_60_90', [30, 60, 90], 45, 10.0, steps=True)
aging('standard_on_bound', [30, 60, 90, 120], 90, 0.0)
aging('beyond_last_bound', [30, 60, 90], 91, 120.0)
aging('current', [30], 0, -30.0)
aging('not_increasing', [30, 30, 90], 45, 15.0)
aging('negative_bound', [30, -60], 45, 22.0)
aging('empty', [], 5, float('inf'))
aging('int32_max_bound', [1, 2147483647], 32767, float('nan'))
aging('too_many_bounds', list(range(1, 66)), 65, -1e300)

# fuzz_decode: terms_encode() layout: version 1, nlines, flags (bit 0 =
# discount; bits 1-3 all set ask the target for the legal checks, bits 4-6 pick the
# regime), max_days, [discount rate, formula], lines (share, formula);
# a formula is nsteps then (kind, int16 n) per step.
D, W, M, Q, Y, CW, CM, CQ, CY, DN = range(1, 11)


def formula(steps):
    return u8(len(steps)) + b''.join(u8(k) + u16(n) for k, n in steps)


def encoded(name, lines, max_days, discount=None, flags=0):
    out = u8(1) + u8(len(lines)) + u8((1 if discount else 0) | flags) + u32(max_days)
    if discount:
        out += u32(discount[0]) + formula(discount[1])
    for share, steps in lines:
        out += u32(share) + formula(steps)
    write('decode', name, out)


encoded('30D', [(10000, [(D, 30)])], 30)
encoded('immediate', [(10000, [])], 0)
encoded('45D+CM', [(10000, [(D, 45), (CM, 0)])], 75, flags=14)
encoded('45D+CM+D10_fr_check', [(10000, [(D, 45), (CM, 0), (DN, 10)])], 85, flags=14)
encoded('30D_discount_2pct_10D', [(10000, [(D, 30)])], 30, discount=(200, [(D, 10)]), flags=14 | (2 << 4))
encoded('instalments_30_70', [(3000, [(D, 15)]), (7000, [(D, 45)])], 45)
encoded('CQ+1M-10D', [(10000, [(CQ, 0), (M, 1), (D, -10)])], 113)
encoded('CW', [(10000, [(CW, 0)])], 6, flags=14 | (4 << 4))
# values no parser makes: the decoder accepts them, the rest must cope
encoded('day_of_month_0_and_minus', [(10000, [(DN, 0), (DN, -32768)])], 0, flags=14)
encoded('years_32767', [(10000, [(Y, 32767)] * 16)], 0)
encoded('years_minus_32768', [(10000, [(Y, -32768)] * 16)], 0)
encoded('shares_not_100', [(1, [(D, 1)]), (-5, [(W, 1)])], -2147483648)
encoded('12_lines_16_steps', [(834, [(M, 9999)] * 16)] * 12, 2147483647,
        discount=(10000, [(CY, 0)] * 16))
