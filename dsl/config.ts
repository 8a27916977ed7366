import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Issue } from '../compiler/issues.js';
import { formatIssue } from '../compiler/issues.js';
import configSchema from '../schemas/pipeline-config.schema.json' with { type: 'json' };
import { schemaIssues, validatorFor } from '../schemas/validate.js';
import { CONFIG_SOURCE } from './brand.js';

/** The settings of `pipeline_config.yaml`, with the original proof of concept's keys unchanged. */
export interface PipelineConfig {
  readonly project_name: string;
  readonly region: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly role_arn: string;
  readonly athena_database: string;
  readonly athena_table: string;
  readonly athena_query_results: string;
  readonly feature_group_name: string;
  readonly record_identifier_name: string;
  readonly event_time_feature_name: string;
  readonly offline_store_s3_uri: string;
  readonly online_store_enabled: boolean;
  readonly processing_instance_type: string;
  readonly pipeline_name: string;
  readonly sns_topic_arn: string;
  readonly notification_email: string;
  /** Athena workgroup; `primary` when absent. */
  readonly athena_workgroup?: string;
  /** Data catalog of the source table; `AwsDataCatalog` when absent. */
  readonly athena_catalog?: string;
  /** Image of the ingest step; sagepipe-ingest in the role's account and region when absent. */
  readonly ingest_image_uri?: string;
  /** Rejected rows above this count fail the step; 0 when absent. */
  readonly max_rejected_rows?: number;
}

/** Source file of a config and the warnings `compile` prints for it. */
export interface ConfigSource {
  readonly path: string;
  readonly warnings: readonly Issue[];
}

/** Raised when a config file cannot be read or does not match the schema; carries every problem. */
export class ConfigError extends Error {
  constructor(
    readonly configPath: string,
    readonly issues: readonly Issue[],
  ) {
    super(`invalid config file ${configPath}:\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Values that stand in for real ones in the shipped example config. They are warnings at compile
 * time, and `upsert` refuses to deploy them.
 */
export const PLACEHOLDER_PATTERNS: readonly { readonly pattern: RegExp; readonly meaning: string }[] = [
  { pattern: /ACCOUNT_ID/, meaning: 'the AWS account id placeholder ACCOUNT_ID' },
  { pattern: /@example\.(com|org|net)\b/i, meaning: 'an example.com e-mail address' },
];

/**
 * Reads and validates `pipeline_config.yaml`. Every problem is reported at once in a
 * `ConfigError`; placeholder values are kept as warnings on the returned config.
 */
export function loadConfig(path: string | URL): PipelineConfig {
  const filePath = path instanceof URL ? fileURLToPath(path) : path;
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    throw new ConfigError(filePath, [
      { code: 'CONFIG_NOT_READABLE', severity: 'error', path: 'config', message: `cannot read ${filePath}: ${reason}`, fix: 'check the path passed to loadConfig' },
    ]);
  }
  return parseConfig(text, filePath);
}

/** Validates config text; `loadConfig` is the usual entry point. */
export function parseConfig(text: string, filePath: string): PipelineConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const locate = (issue: Issue): Issue => withLocation(issue, document, lineCounter, filePath);
  if (document.errors.length > 0) {
    throw new ConfigError(
      filePath,
      document.errors.map((error) => ({
        code: 'CONFIG_NOT_YAML',
        severity: 'error' as const,
        path: 'config',
        message: `${filePath} is not valid YAML: ${error.message.split('\n')[0] ?? error.code}`,
        fix: 'fix the YAML syntax at the line shown',
      })),
    );
  }
  const data: unknown = document.toJS();
  const validate = validatorFor(configSchema);
  if (!validate(data)) {
    const issues = schemaIssues(validate.errors, data, configSchema, { code: 'INVALID_CONFIG', root: 'config', document: filePath });
    throw new ConfigError(filePath, issues.map(locate));
  }

  const warnings: Issue[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      continue;
    }
    for (const placeholder of PLACEHOLDER_PATTERNS) {
      if (placeholder.pattern.test(value)) {
        warnings.push(locate({
          code: 'PLACEHOLDER_VALUE',
          severity: 'warning',
          path: `config.${key}`,
          message: `'${key}' still contains ${placeholder.meaning}`,
          value,
          rule: 'placeholder values compile, but upsert refuses to deploy them',
          fix: `set '${key}' in ${shownPath(filePath)} to the real value before deploying`,
        }));
      }
    }
  }

  const config = data as PipelineConfig;
  Object.defineProperty(config, CONFIG_SOURCE, { value: { path: filePath, warnings } satisfies ConfigSource, enumerable: false });
  return config;
}

/**
 * Adds the file, line and column of the key an issue's path names (`config.bucket`, or deeper
 * with `.key` and `[index]`). An issue about a missing key keeps no location.
 */
function withLocation(issue: Issue, document: Document, lineCounter: LineCounter, filePath: string): Issue {
  const offset = keyOffset(document, issue.path);
  if (offset === undefined) {
    return issue;
  }
  const { line, col } = lineCounter.linePos(offset);
  return { ...issue, location: `${shownPath(filePath)}:${line}:${col}` };
}

/** Returns the source offset of the key or item at `path`, or undefined when the path is not in the file. */
function keyOffset(document: Document, path: string): number | undefined {
  const segments = [...path.replace(/^config/, '').matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)];
  let node: unknown = document.contents;
  let offset: number | undefined;
  for (const [, key, index] of segments) {
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (pair === undefined || !isScalar(pair.key)) {
        return undefined;
      }
      offset = pair.key.range?.[0];
      node = pair.value;
    } else if (index !== undefined && isSeq(node)) {
      const item: unknown = node.items[Number(index)];
      if (!isScalar(item) && !isMap(item) && !isSeq(item)) {
        return undefined;
      }
      offset = item.range?.[0];
      node = item;
    } else {
      return undefined;
    }
  }
  return offset;
}

/** Returns the path relative to the working folder when the file is inside it, else the absolute path. */
function shownPath(filePath: string): string {
  const fromHere = relative(process.cwd(), filePath);
  return fromHere.startsWith('..') || isAbsolute(fromHere) ? filePath : fromHere;
}

/** Returns the file and warnings recorded by `loadConfig`, or undefined for a config built in code. */
export function configSource(config: PipelineConfig): ConfigSource | undefined {
  return (config as unknown as Record<symbol, ConfigSource | undefined>)[CONFIG_SOURCE];
}
