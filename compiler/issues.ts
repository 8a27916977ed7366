/** How serious a problem is: errors stop `compile`, warnings are printed and recorded. */
export type Severity = 'error' | 'warning';

/**
 * One problem found in a pipeline, a feature group, a config file or an IAM document. Every
 * issue says what is wrong, where, with which value, which rule it breaks and how to fix it.
 */
export interface Issue {
  /** Stable identifier such as `DUPLICATE_STEP_NAME`; tests and `--json` consumers key on it. */
  readonly code: string;
  readonly severity: Severity;
  /** Where the problem is, such as `steps.Ingest.arguments.processingInputs[1].s3Input.s3Uri`. */
  readonly path: string;
  /** File, line and column in a source file where that file is known, such as `pipeline_config.yaml:7:11`. */
  readonly location?: string;
  readonly message: string;
  /** The offending value, as given. */
  readonly value?: unknown;
  readonly rule?: string;
  readonly fix?: string;
}

export type IssueInput = Omit<Issue, 'severity'> & { readonly severity?: Severity };

/** Collects issues so that validation reports every problem at once instead of the first. */
export class IssueCollector {
  private readonly collected: Issue[] = [];

  add(issue: IssueInput): void {
    this.collected.push({ ...issue, severity: issue.severity ?? 'error' });
  }

  error(code: string, path: string, message: string, details: Pick<Issue, 'value' | 'rule' | 'fix'> = {}): void {
    this.add({ code, path, message, ...details });
  }

  warning(code: string, path: string, message: string, details: Pick<Issue, 'value' | 'rule' | 'fix'> = {}): void {
    this.add({ code, path, message, severity: 'warning', ...details });
  }

  addAll(issues: readonly Issue[]): void {
    this.collected.push(...issues);
  }

  get all(): readonly Issue[] {
    return this.collected;
  }

  get errors(): readonly Issue[] {
    return this.collected.filter((issue) => issue.severity === 'error');
  }

  get warnings(): readonly Issue[] {
    return this.collected.filter((issue) => issue.severity === 'warning');
  }

  hasErrors(): boolean {
    return this.collected.some((issue) => issue.severity === 'error');
  }
}

/** Thrown by `compile` when validation found at least one error; carries every issue found. */
export class ValidationFailedError extends Error {
  constructor(readonly issues: readonly Issue[]) {
    const errorCount = issues.filter((issue) => issue.severity === 'error').length;
    super(`validation failed with ${errorCount} error(s):\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'ValidationFailedError';
  }
}

const MAX_VALUE_TEXT = 200;

/**
 * Converts a value to plain JSON data. Expressions become `<description>` text, because their
 * own `toJSON` throws to stop accidental serialization.
 */
export function toPlainData(value: unknown, depth = 0): unknown {
  if (typeof value === 'object' && value !== null && typeof (value as { describe?: unknown }).describe === 'function') {
    return `<${(value as { describe(): string }).describe()}>`;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value);
  }
  if (depth > 20 || typeof value !== 'object' || value === null) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => toPlainData(item, depth + 1));
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlainData(item, depth + 1)]));
}

/** Formats an issue's value for a message: JSON for data, the description for expressions. */
export function formatValue(value: unknown): string {
  const plain = toPlainData(value);
  const text = typeof plain === 'string' && plain.startsWith('<') ? plain : (JSON.stringify(plain) ?? String(plain));
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}…` : text;
}

/** Formats an issue as one or more lines for people: severity, code, path, then the details. */
export function formatIssue(issue: Issue): string {
  const where = issue.location === undefined ? issue.path : `${issue.path} (${issue.location})`;
  const lines = [`${issue.severity} ${issue.code} at ${where}: ${issue.message}`];
  if (issue.value !== undefined) {
    lines.push(`  value: ${formatValue(issue.value)}`);
  }
  if (issue.rule !== undefined) {
    lines.push(`  rule: ${issue.rule}`);
  }
  if (issue.fix !== undefined) {
    lines.push(`  fix: ${issue.fix}`);
  }
  return lines.join('\n');
}

/** Converts an issue to plain data for `--json` output. */
export function issueToJson(issue: Issue): Record<string, unknown> {
  const data: Record<string, unknown> = {
    code: issue.code,
    severity: issue.severity,
    path: issue.path,
    message: issue.message,
  };
  if (issue.location !== undefined) {
    data['location'] = issue.location;
  }
  if (issue.value !== undefined) {
    data['value'] = toPlainData(issue.value);
  }
  if (issue.rule !== undefined) {
    data['rule'] = issue.rule;
  }
  if (issue.fix !== undefined) {
    data['fix'] = issue.fix;
  }
  return data;
}
