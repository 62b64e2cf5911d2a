// Driver test: node-postgres (issue 17), installed by test/drivers/run.sh
// with `npm ci` outside the work tree.  Connects as ar_bi_driver with
// ar_credit off the search path and prints TAP lines, numbered by run.sh.
// node-postgres sends parameters untyped (the server infers them), in text
// mode by default; with `binary: true` it asks for binary results, which its
// numeric parser decodes wrongly (a driver bug the docs warn about: cast
// amounts to text, or stay in text mode).
//
//   NODE_PATH=.../node_modules node bi_pg.js host port database user password
'use strict';
const { Client } = require('pg');

const [host, port, database, user, password] = process.argv.slice(2);
let failed = 0;

async function query(sql, params = [], binary = false) {
  const client = new Client({ host, port: Number(port), database, user, password, binary });
  await client.connect();
  try {
    const res = await client.query({ text: sql, values: params, rowMode: 'array' });
    return res.rows.map((r) => r.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)));
  } finally {
    await client.end();
  }
}

async function check(desc, want, fn) {
  let got;
  try {
    got = await fn();
  } catch (e) {
    got = `${e.code || e.name}: ${e.message}`;
  }
  const w = JSON.stringify(want);
  const g = JSON.stringify(got);
  if (w === g) {
    console.log(`ok - node-postgres: ${desc}`);
  } else {
    failed++;
    console.log(`not ok - node-postgres: ${desc}`);
    console.log(`#   want: ${w}`);
    console.log(`#   got:  ${g}`);
  }
}

async function main() {
  console.log(`# node ${process.version}, pg ${require('pg/package.json').version}`);
  await check('terms = $1', [[101], [104]],
    () => query('SELECT id FROM public.customer WHERE terms = $1 ORDER BY id', ['net 30']));
  await check('terms = ANY($1) with an array of strings', [[101], [102], [104]],
    () => query('SELECT id FROM public.customer WHERE terms = ANY($1) ORDER BY id', [['30D', '45D+CM']]));
  await check('ar_credit.due_date($1, $2) as text', [['2024-02-29']],
    () => query('SELECT ar_credit.due_date($1, $2)::text', ['45 jours fin de mois', '2024-01-15']));
  await check('bad terms: 22P02', '22P02: invalid input syntax for type payment_terms: "net thirty"',
    () => query('SELECT 1 FROM public.customer WHERE terms = $1', ['net thirty']));
  await check('text mode: numeric amount_due exact (as a string)', [['210.36', 'current']],
    () => query("SELECT amount_due, 'current' FROM ar_credit.open_invoices WHERE invoice_key = $1", ['I-2']));
  await check('binary mode: amount_due::text exact (documented workaround)', [['210.36']],
    () => query('SELECT amount_due::text FROM ar_credit.open_invoices WHERE invoice_key = $1', ['I-2'], true));
  await check('binary mode: terms::text (documented workaround)', [['45D+CM']],
    () => query('SELECT terms::text FROM public.customer WHERE id = $1', [102], true));
  const raw = await query('SELECT amount_due FROM ar_credit.open_invoices WHERE invoice_key = $1', ['I-2'], true);
  console.log(`# pitfall: binary mode decodes numeric 210.36 as ${JSON.stringify(raw[0][0])}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`not ok - node-postgres: the test ran to its end (${e.message})`);
  process.exit(1);
});
