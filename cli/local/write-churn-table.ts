/** Writes generated churn rows as a local table file. */
import { randomInt } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { type ChurnGeneratorOptions, generateChurnRows, toCsvLines } from './churn-generator.js';

export interface ChurnTableResult {
  readonly path: string;
  readonly rows: number;
  readonly seed: number;
}

/** Writes the CSV file, streaming so memory stays flat for any sample count. */
export async function writeChurnTable(path: string, options: ChurnGeneratorOptions): Promise<ChurnTableResult> {
  await mkdir(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { encoding: 'utf8' });
  let lines = 0;
  for (const line of toCsvLines(generateChurnRows(options))) {
    lines += 1;
    if (!stream.write(line)) {
      await once(stream, 'drain');
    }
  }
  stream.end();
  await once(stream, 'finish');
  return { path, rows: lines - 1, seed: options.seed };
}

/** Returns a random seed for runs that name none; the command prints it so the run can be repeated. */
export function randomSeed(): number {
  return randomInt(1, 2 ** 31);
}
