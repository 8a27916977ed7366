import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
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
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
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
    throw new ConfigError(filePath, schemaIssues(validate.errors, data, configSchema, { code: 'INVALID_CONFIG', root: 'config', document: filePath }));
  }

  const warnings: Issue[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      continue;
    }
    for (const placeholder of PLACEHOLDER_PATTERNS) {
      if (placeholder.pattern.test(value)) {
        warnings.push({
          code: 'PLACEHOLDER_VALUE',
          severity: 'warning',
          path: `config.${key}`,
          message: `'${key}' still contains ${placeholder.meaning}`,
          value,
          rule: 'placeholder values compile, but upsert refuses to deploy them',
          fix: `set '${key}' in ${shownPath(filePath)} to the real value before deploying`,
        });
      }
    }
  }

  const config = data as PipelineConfig;
  Object.defineProperty(config, CONFIG_SOURCE, { value: { path: filePath, warnings } satisfies ConfigSource, enumerable: false });
  return config;
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
