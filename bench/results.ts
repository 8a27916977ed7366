import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchmarkResult } from './benchmark.js';
import type { MachineInfo } from './machine.js';

/** Everything one `npm run bench` writes. */
export interface BenchRun {
  readonly resultsVersion: 1;
  readonly mode: 'full' | 'quick';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly runsPerFigure: number;
  readonly machine: MachineInfo;
  /** 1, 5 and 15 minute load averages when the run started and ended. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly benchmarks: readonly BenchmarkResult[];
}

/** Serializes with object keys sorted at every level, so two runs diff by their numbers alone. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (typeof value === 'object' && value !== null) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    }
    return sorted;
  }
  return value;
}

/** Renders the run as Markdown: machine, load, then each benchmark's targets, table and notes. */
export function renderMarkdown(run: BenchRun): string {
  const { machine } = run;
  const lines: string[] = [
    `# sagepipe benchmark results (${run.mode})`,
    '',
    `- Command: \`${run.command}\``,
    `- Started ${run.startedAt}, finished ${run.finishedAt}; ${run.runsPerFigure} measured run(s) per figure after a warm-up`,
    `- Machine: ${machine.cpuModel}, ${machine.logicalCores} logical cores, ${machine.memoryGiB} GiB memory, ${machine.os} (${machine.kernel})`,
    `- Node ${machine.node}, DuckDB ${machine.duckdb} (@duckdb/node-api ${machine.duckdbNodeApi})`,
    `- Commit ${machine.gitCommit}${machine.gitDirty ? ' with uncommitted changes' : ''}`,
    `- Load average (1, 5, 15 min): ${run.loadAverage.start.join(', ')} at the start, ${run.loadAverage.end.join(', ')} at the end`,
    '',
    'Times are median (min–max) over the measured runs.',
  ];
  for (const result of run.benchmarks) {
    lines.push('', `## ${result.title}`, '');
    if (result.measured !== undefined) {
      const { measured } = result;
      lines.push(
        `Measured ${measured.startedAt} to ${measured.finishedAt} on commit ${measured.gitCommit}${measured.gitDirty ? ' with uncommitted changes' : ''}; ` +
          `load average ${measured.loadAverage.start.join(', ')} at the start, ${measured.loadAverage.end.join(', ')} at the end.`,
        '',
      );
    }
    lines.push(result.method, '');
    for (const command of result.commands) {
      lines.push(`    ${command}`);
    }
    if (result.targets.length > 0) {
      lines.push('', '| target | measured | met |', '| --- | --- | --- |');
      for (const check of result.targets) {
        lines.push(`| ${check.target} | ${check.measured} | ${check.met === null ? 'not measured' : check.met ? 'yes' : 'no'} |`);
      }
    }
    lines.push('', `| ${result.table.headers.join(' | ')} |`, `| ${result.table.headers.map(() => '---').join(' | ')} |`);
    for (const row of result.table.rows) {
      lines.push(`| ${row.join(' | ')} |`);
    }
    for (const note of result.notes) {
      lines.push('', `- ${note}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `<name>.json` and `<name>.md` into `directory`, and returns their paths. */
export function writeResults(directory: string, name: string, run: BenchRun): { json: string; markdown: string } {
  mkdirSync(directory, { recursive: true });
  const json = join(directory, `${name}.json`);
  const markdown = join(directory, `${name}.md`);
  writeFileSync(json, stableJson(run));
  writeFileSync(markdown, renderMarkdown(run));
  return { json, markdown };
}
