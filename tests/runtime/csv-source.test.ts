import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TEST_FEATURES, tempFolder, testConfig } from '../support/ingest-fixtures.js';
import { ingestTableText, readJsonLines } from '../support/local-ingest.js';

const HEADER = 'id,ts,age,charges,plan,churn';
const TIME = '2024-05-01T10:00:00Z';

/** Rows 1, 3, 5 and 7 are valid; lines 3, 6 and 8 cannot be parsed. Row 3's quoted plan spans lines 4 and 5. */
const MALFORMED_CSV = [
  HEADER,
  `A1,${TIME},1,1,Basic,no`,
  `A2,${TIME},2,1,Basic`,
  `"A3","${TIME}","3","1","Fiber`,
  `optic","no"`,
  `A4,${TIME},4,1,Basic,no,extra`,
  `A5,${TIME},5,1,Basic,no`,
  `"A6","${TIME}","6"x,1,Basic,no`,
  `A7,${TIME},7,1,Basic,no`,
  '',
].join('\n');

test('malformed lines become rejects', async () => {
  const run = await ingestTableText(MALFORMED_CSV);
  try {
    assert.is(run.succeeded, true, run.report.error ?? '');
    assert.equal(run.report.counts, { read: 7, rejected: 3, duplicatesDropped: 0, written: 4, failed: 0 });
    assert.equal(run.report.rejectReasons, { MALFORMED_SOURCE_ROW: 3 });
    assert.equal(readJsonLines(join(run.output, 'rejects.jsonl')), [
      {
        table: 'db.raw',
        line: 3,
        reasons: [{ code: 'MALFORMED_SOURCE_ROW', message: 'the line has 5 fields, but the header has 6' }],
        rawLine: `A2,${TIME},2,1,Basic`,
      },
      {
        table: 'db.raw',
        line: 6,
        reasons: [{ code: 'MALFORMED_SOURCE_ROW', message: 'the line has 7 fields, but the header has 6' }],
        rawLine: `A4,${TIME},4,1,Basic,no,extra`,
      },
      {
        table: 'db.raw',
        line: 8,
        reasons: [{ code: 'MALFORMED_SOURCE_ROW', message: 'a quoted value is not closed, or text follows its closing quote' }],
        rawLine: `"A6","${TIME}","6"x,1,Basic,no`,
      },
    ]);
  } finally {
    run.remove();
  }
});

test('line numbers count blank lines', async () => {
  const text = [HEADER, `A1,${TIME},1,1,Basic,no`, '', `A2,${TIME}`, `A3,${TIME},3,1,Basic,no`, ''].join('\r\n');
  const run = await ingestTableText(text);
  try {
    assert.equal(run.report.counts, { read: 3, rejected: 1, duplicatesDropped: 0, written: 2, failed: 0 });
    const [reject] = readJsonLines(join(run.output, 'rejects.jsonl'));
    assert.is(reject?.['line'], 4);
    assert.is(reject?.['rawLine'], `A2,${TIME}`);
  } finally {
    run.remove();
  }
});

test('rejected lines fail threshold', async () => {
  const run = await ingestTableText(MALFORMED_CSV, { config: testConfig({ maxRejectedRows: 2 }) });
  try {
    assert.is(run.succeeded, false);
    assert.match(run.report.error ?? '', '3 rows were rejected, more than maxRejectedRows (2)');
    assert.is(run.report.counts.written, 4);
  } finally {
    run.remove();
  }
});

const MISSING_AGE = "column 'age' (feature 'age') is not in the source table db.raw; the table has: 'id', 'ts', 'charges', 'plan', 'churn'. ";
const MISSING_FIX = 'Add the column to the table, or map the feature to an existing column with .from("column")';

test('missing column names feature', async () => {
  const run = await ingestTableText(`id,ts,charges,plan,churn\nA1,${TIME},1,Basic,no\n`);
  try {
    assert.is(run.succeeded, false);
    assert.is(run.report.error, MISSING_AGE + MISSING_FIX);
    assert.is(run.report.counts.read, 0);
  } finally {
    run.remove();
  }
});

test('missing parquet column names feature', async () => {
  const folder = tempFolder('parquet-source');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  let parquet: Uint8Array;
  try {
    const path = join(folder, 'raw.parquet');
    await connection.run(`COPY (SELECT 'A1' AS id, '${TIME}' AS ts, 1.5 AS charges, 'Basic' AS plan, 'no' AS churn) TO '${path}' (FORMAT parquet)`);
    parquet = readFileSync(path);
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(folder, { recursive: true, force: true });
  }
  const run = await ingestTableText(parquet, { extension: 'parquet' });
  try {
    assert.is(run.report.error, MISSING_AGE + MISSING_FIX);
  } finally {
    run.remove();
  }
});

test('several missing columns listed', async () => {
  const run = await ingestTableText(`id,ts,plan\nA1,${TIME},Basic\n`);
  try {
    assert.is(
      run.report.error,
      "columns 'age' (feature 'age'), 'charges' (feature 'charges'), 'churn' (feature 'churn') are not in the source table db.raw; " +
        "the table has: 'id', 'ts', 'plan'. Add the columns to the table, or map each feature to an existing column with .from(\"column\")",
    );
  } finally {
    run.remove();
  }
});

test('binder error names feature', async () => {
  // The query selects a column that the config's column list does not name, so only DuckDB notices it is missing.
  const base = testConfig({ maxRejectedRows: 100 });
  const score = { ...(TEST_FEATURES[2] as (typeof TEST_FEATURES)[number]), name: 'score', sourceColumn: 'score' };
  const config = testConfig({
    maxRejectedRows: 100,
    features: [...TEST_FEATURES, score],
    source: { ...base.source, query: `${base.source.query.replace(' FROM', ', "score" FROM')}` },
  });
  const run = await ingestTableText(`${HEADER}\nA1,${TIME},1,1,Basic,no\n`, { config });
  try {
    assert.is(
      run.report.error,
      "column 'score' (feature 'score') is not in the source table db.raw; the table has: 'id', 'ts', 'age', 'charges', 'plan', 'churn'. " + MISSING_FIX,
    );
  } finally {
    run.remove();
  }
});

test('semicolon file names delimiter', async () => {
  const run = await ingestTableText(`id;ts;age;charges;plan;churn\nA1;${TIME};1;1;Basic;no\n`);
  try {
    assert.is(run.succeeded, false);
    assert.match(run.report.error ?? '', /^the CSV file .*raw\.csv \(table db\.raw\) is not comma-separated: /);
    assert.match(run.report.error ?? '', `its header reads as the single column "id;ts;age;charges;plan;churn", which contains ';'.`);
    assert.match(run.report.error ?? '', "sagepipe reads CSV files with ',' as the delimiter; save the file with commas between the fields, or convert it to Parquet");
    assert.not.match(run.report.error ?? '', 'sniff');
  } finally {
    run.remove();
  }
});

test('empty csv file reported', async () => {
  const run = await ingestTableText('');
  try {
    assert.is(run.succeeded, false);
    assert.match(run.report.error ?? '', /^the CSV file .*raw\.csv \(table db\.raw\) is empty; it needs a header row with the column names$/);
  } finally {
    run.remove();
  }
});

test('repeated header name reported', async () => {
  const run = await ingestTableText(`id,ts,age,charges,plan,churn,AGE\nA1,${TIME},1,1,Basic,no,2\n`);
  try {
    assert.is(run.succeeded, false);
    assert.match(run.report.error ?? '', "names the column 'AGE' twice, in fields 3 and 7; rename one, because column names must differ when case is ignored");
  } finally {
    run.remove();
  }
});

test('header only reads nothing', async () => {
  const run = await ingestTableText(`${HEADER}\n`);
  try {
    assert.is(run.succeeded, true, run.report.error ?? '');
    assert.equal(run.report.counts, { read: 0, rejected: 0, duplicatesDropped: 0, written: 0, failed: 0 });
  } finally {
    run.remove();
  }
});

test.run();
