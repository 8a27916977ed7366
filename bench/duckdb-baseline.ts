/**
 * The DuckDB SQL baseline of the local ingest benchmark, run as a child process:
 *
 *   node duckdb-baseline.js <churn.csv> <out.parquet> <event-time>
 *
 * One COPY statement reads the generated churn CSV as text and applies the churn example's
 * cleaning rules in SQL: null tokens, trimming, integral and fractional numbers, allowed values
 * and boolean words. It drops rejected rows, keeps the last row of each customer, and writes
 * Parquet with the offline store's columns. The script prints the elapsed milliseconds as one
 * JSON line.
 *
 * NOTE: this mirrors the rules for the values `sagepipe generate-data` writes. It reads numbers
 * through DOUBLE where sagepipe reads integral text exactly, and it breaks ties between duplicate
 * rows by the order DuckDB reads the CSV in; neither changes the counts for this data.
 */
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

/** The default null tokens of sagepipe's cleaning, lower-cased, since they match ignoring case. */
const NULL_TOKENS = ['', 'na', 'n/a', 'nan', 'none', 'null', 'nat'];

const ALLOWED_VALUES: Readonly<Record<string, readonly string[]>> = {
  contract_type: ['Month-to-month', 'One year', 'Two year'],
  payment_method: ['Electronic check', 'Mailed check', 'Bank transfer', 'Credit card'],
  internet_service: ['DSL', 'Fiber optic', 'No'],
  phone_service: ['Yes', 'No'],
  multiple_lines: ['Yes', 'No'],
  online_security: ['Yes', 'No'],
  tech_support: ['Yes', 'No'],
  device_protection: ['Yes', 'No'],
};
const INTEGRAL = ['age', 'tenure_months'];
const FRACTIONAL = ['monthly_charges', 'total_charges'];

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** SQL that maps a raw text column to NULL for null tokens and to its trimmed text otherwise. */
function present(column: string): string {
  return `CASE WHEN ${quoted(column)} IS NULL OR lower(trim(${quoted(column)})) IN (${NULL_TOKENS.map(literal).join(', ')}) THEN NULL ELSE trim(${quoted(column)}) END`;
}

/** Builds the baseline's single COPY statement. */
function baselineSql(csvPath: string, parquetPath: string, eventTime: string): string {
  const typed: string[] = [];
  const invalid: string[] = [];
  for (const column of INTEGRAL) {
    typed.push(`CAST(TRY_CAST(${column}_text AS DOUBLE) AS BIGINT) AS ${column}`);
    invalid.push(`(${column}_text IS NOT NULL AND (TRY_CAST(${column}_text AS DOUBLE) IS NULL OR TRY_CAST(${column}_text AS DOUBLE) <> trunc(TRY_CAST(${column}_text AS DOUBLE))))`);
  }
  for (const column of FRACTIONAL) {
    typed.push(`TRY_CAST(${column}_text AS DOUBLE) AS ${column}`);
    invalid.push(`(${column}_text IS NOT NULL AND (TRY_CAST(${column}_text AS DOUBLE) IS NULL OR NOT isfinite(TRY_CAST(${column}_text AS DOUBLE))))`);
  }
  for (const [column, values] of Object.entries(ALLOWED_VALUES)) {
    const key = `lower(regexp_replace(${column}_text, '\\s+', ' ', 'g'))`;
    const cases = values.map((value) => `WHEN ${literal(value.toLowerCase())} THEN ${literal(value)}`).join(' ');
    typed.push(`CASE ${key} ${cases} END AS ${column}`);
    invalid.push(`(${column}_text IS NOT NULL AND CASE ${key} ${cases} END IS NULL)`);
  }
  const churnWord = `CASE WHEN lower(churn_text) IN ('yes', 'true', '1') THEN 1 WHEN lower(churn_text) IN ('no', 'false', '0') THEN 0 WHEN TRY_CAST(churn_text AS DOUBLE) IN (0, 1) THEN CAST(TRY_CAST(churn_text AS DOUBLE) AS BIGINT) END`;
  typed.push(`CAST(${churnWord} AS BIGINT) AS churn`);
  invalid.push(`(churn_text IS NOT NULL AND ${churnWord} IS NULL)`);
  invalid.push('customer_id IS NULL');

  const columns = ['customer_id', ...INTEGRAL, ...FRACTIONAL, ...Object.keys(ALLOWED_VALUES), 'churn'];
  const texts = columns.map((column) => (column === 'customer_id' ? `${present(column)} AS customer_id` : `${present(column)} AS ${column}_text`));
  const output = [
    'customer_id',
    `${literal(eventTime)} AS event_time`,
    ...INTEGRAL,
    ...FRACTIONAL,
    ...Object.keys(ALLOWED_VALUES),
    'churn',
    'now()::TIMESTAMP AS write_time',
    'now()::TIMESTAMP AS api_invocation_time',
    'false AS is_deleted',
  ];
  return (
    `COPY (` +
    `WITH raw AS (SELECT row_number() OVER () AS source_row, ${texts.join(', ')} ` +
    `FROM read_csv(${literal(csvPath)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')), ` +
    `cleaned AS (SELECT source_row, customer_id, ${typed.join(', ')}, ${invalid.join(' OR ')} AS rejected FROM raw) ` +
    `SELECT ${output.join(', ')} FROM cleaned WHERE NOT rejected ` +
    `QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY source_row DESC) = 1` +
    `) TO ${literal(parquetPath)} (FORMAT PARQUET)`
  );
}

async function main(args: readonly string[]): Promise<void> {
  const [csvPath, parquetPath, eventTime] = args;
  if (csvPath === undefined || parquetPath === undefined || eventTime === undefined) {
    console.error('usage: duckdb-baseline.js <churn.csv> <out.parquet> <event-time>');
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(baselineSql(csvPath, parquetPath, eventTime));
  connection.closeSync();
  instance.closeSync();
  console.log(JSON.stringify({ elapsedMs: performance.now() - started }));
}

await main(process.argv.slice(2));
