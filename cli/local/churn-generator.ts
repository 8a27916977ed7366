/**
 * The messy churn data generator: synthetic customers with the 14 columns of the churn table
 * (no event time column), written as text with deliberate mess: missing values in several
 * spellings, extra whitespace, mixed casing, and integers written as `12.0`. The same seed
 * always gives the same rows.
 */

/** Columns of the churn table, in order. */
export const CHURN_COLUMNS = [
  'customer_id',
  'age',
  'tenure_months',
  'monthly_charges',
  'total_charges',
  'contract_type',
  'payment_method',
  'internet_service',
  'phone_service',
  'multiple_lines',
  'online_security',
  'tech_support',
  'device_protection',
  'churn',
] as const;

export type ChurnRow = (string | null)[];

export interface ChurnGeneratorOptions {
  readonly samples: number;
  readonly startCustomerId: number;
  readonly seed: number;
  /** Rows given one value that cleaning must reject (such as age `twenty`). @default 0 */
  readonly rejectableRows?: number;
  /** Extra rows that repeat an earlier customer id with other values. @default 0 */
  readonly duplicateRows?: number;
}

const CONTRACTS = ['Month-to-month', 'One year', 'Two year'];
const PAYMENTS = ['Electronic check', 'Mailed check', 'Bank transfer', 'Credit card'];
const INTERNET = ['DSL', 'Fiber optic', 'No'];
const MISSING_SPELLINGS = [null, '', ' ', 'NA', 'N/A', 'null', 'None', 'nan'];
const REJECTABLE: readonly { readonly column: (typeof CHURN_COLUMNS)[number]; readonly value: string }[] = [
  { column: 'age', value: 'twenty' },
  { column: 'tenure_months', value: '2.5' },
  { column: 'contract_type', value: 'Weekly' },
  { column: 'churn', value: 'maybe' },
  { column: 'monthly_charges', value: 'inf' },
  { column: 'customer_id', value: '' },
];

/** A seeded pseudo-random source (Marsaglia's xorshift32); fast, repeatable, not for security. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // xorshift never leaves state 0, so a zero seed is replaced by a fixed odd constant.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Returns a number in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  /** Returns an integer in [min, max]. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/** Formats a customer id as `CUST_` and six digits. */
export function customerId(number: number): string {
  return `CUST_${String(number).padStart(6, '0')}`;
}

/** Generates the rows: `samples` customers from `startCustomerId`, then the duplicate rows. */
export function* generateChurnRows(options: ChurnGeneratorOptions): Generator<ChurnRow> {
  const random = new SeededRandom(options.seed);
  const rejectable = pickRows(random, options.samples, options.rejectableRows ?? 0);
  for (let index = 0; index < options.samples; index += 1) {
    const row = messyRow(random, customerId(options.startCustomerId + index));
    const corruption = rejectable.get(index);
    if (corruption !== undefined) {
      row[CHURN_COLUMNS.indexOf(corruption.column)] = corruption.value;
    }
    yield row;
  }
  for (let extra = 0; extra < (options.duplicateRows ?? 0); extra += 1) {
    yield messyRow(random, customerId(options.startCustomerId + random.integer(0, Math.max(0, options.samples - 1))));
  }
}

function pickRows(random: SeededRandom, samples: number, count: number): Map<number, (typeof REJECTABLE)[number]> {
  const picked = new Map<number, (typeof REJECTABLE)[number]>();
  const wanted = Math.min(count, samples);
  while (picked.size < wanted) {
    const index = random.integer(0, samples - 1);
    if (!picked.has(index)) {
      picked.set(index, REJECTABLE[picked.size % REJECTABLE.length] as (typeof REJECTABLE)[number]);
    }
  }
  return picked;
}

function messyRow(random: SeededRandom, id: string): ChurnRow {
  const tenure = random.integer(0, 72);
  const monthly = random.integer(1825, 11875) / 100;
  const total = tenure === 0 ? 0 : Math.round(monthly * tenure * (0.95 + random.next() * 0.1) * 100) / 100;
  const contract = random.pick(CONTRACTS);
  const internet = random.pick(INTERNET);
  const phone = random.chance(0.9) ? 'Yes' : 'No';
  const withInternet = (): string => (internet === 'No' ? 'No' : random.pick(['Yes', 'No']));
  const churnRate = contract === 'Month-to-month' ? 0.42 : contract === 'One year' ? 0.11 : 0.03;
  const churn = random.chance(churnRate) ? 1 : 0;

  return [
    random.chance(0.05) ? ` ${id} ` : id,
    messyInteger(random, random.integer(18, 80)),
    messyInteger(random, tenure),
    messyNumber(random, monthly),
    messyNumber(random, total),
    messyText(random, contract),
    messyText(random, random.pick(PAYMENTS)),
    messyText(random, internet),
    messyText(random, phone),
    messyText(random, phone === 'No' ? 'No' : random.pick(['Yes', 'No'])),
    messyText(random, withInternet()),
    messyText(random, withInternet()),
    messyText(random, withInternet()),
    messyChurn(random, churn),
  ];
}

function missing(random: SeededRandom): string | null | undefined {
  return random.chance(0.03) ? random.pick(MISSING_SPELLINGS) : undefined;
}

function messyInteger(random: SeededRandom, value: number): string | null {
  const gap = missing(random);
  if (gap !== undefined) {
    return gap;
  }
  const text = random.chance(0.1) ? `${value}.0` : String(value);
  return random.chance(0.1) ? ` ${text}  ` : text;
}

function messyNumber(random: SeededRandom, value: number): string | null {
  const gap = missing(random);
  if (gap !== undefined) {
    return gap;
  }
  return random.chance(0.1) ? `  ${value.toFixed(2)} ` : String(value);
}

function messyText(random: SeededRandom, value: string): string | null {
  const gap = missing(random);
  if (gap !== undefined) {
    return gap;
  }
  const roll = random.next();
  const cased = roll < 0.15 ? value.toLowerCase() : roll < 0.25 ? value.toUpperCase() : roll < 0.3 ? swapCase(value) : value;
  return random.chance(0.15) ? `${' '.repeat(random.integer(1, 3))}${cased}${' '.repeat(random.integer(0, 2))}` : cased;
}

function messyChurn(random: SeededRandom, churn: 0 | 1): string | null {
  const gap = missing(random);
  if (gap !== undefined) {
    return gap;
  }
  const forms = churn === 1 ? ['1', '1', '1', '1.0', 'Yes', ' yes', 'TRUE'] : ['0', '0', '0', '0.0', 'No', 'no ', 'false'];
  return random.pick(forms);
}

function swapCase(value: string): string {
  return [...value].map((character, index) => (index % 2 === 0 ? character.toUpperCase() : character.toLowerCase())).join('');
}

/** Formats rows as CSV: a header, then every value quoted so padding survives; NULL is an empty field. */
export function* toCsvLines(rows: Iterable<ChurnRow>): Generator<string> {
  yield `${CHURN_COLUMNS.join(',')}\n`;
  for (const row of rows) {
    yield `${row.map((value) => (value === null ? '' : `"${value.replaceAll('"', '""')}"`)).join(',')}\n`;
  }
}
