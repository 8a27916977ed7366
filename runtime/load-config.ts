/**
 * Reads and checks the ingest config file: JSON syntax, the schema, then the rules that tie its
 * parts together. Every problem is reported at once, each with its path, value, rule and fix.
 */
import { readFileSync } from 'node:fs';
import configSchema from '../schemas/ingest-config.schema.json' with { type: 'json' };
import { schemaIssues, validatorFor } from '../schemas/validate.js';
import type { IngestConfig } from './ingest-config.js';

/** One problem in the ingest config. */
export interface ConfigProblem {
  /** Location in the config, such as `features[3].sourceColumn`, or `config` for the file itself. */
  readonly path: string;
  readonly message: string;
  readonly value?: unknown;
  readonly rule?: string;
  readonly fix?: string;
}

/** The ingest config could not be read or is invalid; `problems` lists every problem found. */
export class IngestConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`invalid ingest config ${file}:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'IngestConfigError';
  }
}

/** Formats a problem on one line: path, message, then value, rule and fix where known. */
export function formatProblem(problem: ConfigProblem): string {
  const details = [
    problem.value !== undefined ? `value ${JSON.stringify(problem.value)}` : undefined,
    problem.rule !== undefined ? `rule: ${problem.rule}` : undefined,
    problem.fix !== undefined ? `fix: ${problem.fix}` : undefined,
  ].filter((detail) => detail !== undefined);
  return `  ${problem.path}: ${problem.message}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}

/** Reads, parses and checks an ingest config file; throws IngestConfigError with every problem. */
export function loadIngestConfig(file: string): IngestConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new IngestConfigError(file, [
      { path: 'config', message: `cannot read ${file}: ${readFailure(error)}`, fix: 'pass the compiled ingest-config.json with --config; the processing step mounts it under /opt/ml/processing/input/config' },
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new IngestConfigError(file, [
      { path: 'config', message: `the file is not valid JSON: ${(error as Error).message}`, fix: 'use the file `sagepipe compile` wrote, unchanged' },
    ]);
  }
  return parseIngestConfig(data, file);
}

/** Checks parsed config data against the schema and the cross-field rules. */
export function parseIngestConfig(data: unknown, file = 'ingest config'): IngestConfig {
  const validate = validatorFor(configSchema);
  if (!validate(data)) {
    const issues = schemaIssues(validate.errors, data, configSchema, { code: 'INVALID_INGEST_CONFIG', root: '', document: file });
    throw new IngestConfigError(
      file,
      issues.map((issue) => ({
        path: issue.path === '' ? 'config' : issue.path,
        message: issue.message,
        ...(issue.value !== undefined ? { value: issue.value } : {}),
        ...(issue.rule !== undefined ? { rule: issue.rule } : {}),
        ...(issue.fix !== undefined ? { fix: issue.fix } : {}),
      })),
    );
  }
  const config = data as IngestConfig;
  const problems = crossFieldProblems(config);
  if (problems.length > 0) {
    throw new IngestConfigError(file, problems);
  }
  return config;
}

/** The rules a schema cannot state: names that must refer to each other, and consistent limits. */
function crossFieldProblems(config: IngestConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const featureNames = new Set<string>();
  config.features.forEach((feature, index) => {
    if (featureNames.has(feature.name)) {
      problems.push({ path: `features[${index}].name`, message: `feature '${feature.name}' is declared twice`, value: feature.name, fix: 'declare each feature once' });
    }
    featureNames.add(feature.name);
  });

  const group = config.featureGroup;
  for (const [key, name] of [
    ['recordIdentifierFeatureName', group.recordIdentifierFeatureName],
    ['eventTimeFeatureName', group.eventTimeFeatureName],
  ] as const) {
    if (!featureNames.has(name)) {
      problems.push({
        path: `featureGroup.${key}`,
        message: `'${name}' is not one of the features`,
        value: name,
        rule: 'the record identifier and the event time are features of the group',
        fix: `use one of: ${[...featureNames].join(', ')}`,
      });
    }
  }
  if (group.createRequest['FeatureGroupName'] !== group.name) {
    problems.push({
      path: 'featureGroup.createRequest.FeatureGroupName',
      message: `the create request is for '${String(group.createRequest['FeatureGroupName'])}', not '${group.name}'`,
      value: group.createRequest['FeatureGroupName'],
      fix: 'recompile the pipeline so that the request and the group name agree',
    });
  }

  const columns = new Set(config.source.columns);
  config.features.forEach((feature, index) => {
    const fromRunTime = config.eventTime.from === 'ingest-time' && feature.name === group.eventTimeFeatureName;
    if (!fromRunTime && !columns.has(feature.sourceColumn)) {
      problems.push({
        path: `features[${index}].sourceColumn`,
        message: `column '${feature.sourceColumn}' of feature '${feature.name}' is not selected by the source query`,
        value: feature.sourceColumn,
        rule: 'every feature reads a column listed in source.columns',
        fix: `use one of: ${config.source.columns.join(', ')}`,
      });
    }
  });

  if (config.writer.maxDelayMs < config.writer.baseDelayMs) {
    problems.push({
      path: 'writer.maxDelayMs',
      message: `the maximum retry delay ${config.writer.maxDelayMs} ms is below the base delay ${config.writer.baseDelayMs} ms`,
      value: config.writer.maxDelayMs,
      fix: 'set writer.maxDelayMs to at least writer.baseDelayMs',
    });
  }
  const topicRegion = config.notification?.topicArn.split(':')[3];
  if (topicRegion !== undefined && topicRegion !== config.region) {
    problems.push({
      path: 'notification.topicArn',
      message: `the topic is in ${topicRegion}, but the step runs in ${config.region}`,
      value: config.notification?.topicArn,
      rule: 'SNS publishes to topics in the Region of the client',
      fix: `use a topic in ${config.region}`,
    });
  }
  return problems;
}

function readFailure(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'the file was not found';
    case 'EACCES':
      return 'permission denied';
    default:
      return (error as Error).message;
  }
}
