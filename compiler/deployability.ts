import { PLACEHOLDER_PATTERNS } from '../dsl/config.js';
import type { FeatureGroup } from '../dsl/feature-group.js';
import type { JsonObject } from '../dsl/json.js';
import type { Issue, IssueCollector } from './issues.js';
import type { ManifestPlaceholder } from './manifest.js';
import type { RegisteredAsset } from './render-context.js';

/** Definitions at or above this many UTF-8 bytes are deployed through S3, as the SageMaker SDK does. */
export const INLINE_DEFINITION_LIMIT = 100 * 1024;
/** CreatePipeline rejects inline definitions longer than this. */
export const MAX_DEFINITION_LENGTH = 1024 * 1024;

export function checkDefinitionSize(text: string, bytes: number, issues: IssueCollector): void {
  if (text.length > MAX_DEFINITION_LENGTH) {
    issues.error('DEFINITION_TOO_LARGE', 'definition', `the definition is ${text.length} characters long`, {
      value: text.length,
      rule: `CreatePipeline accepts definitions of at most ${MAX_DEFINITION_LENGTH} characters`,
      fix: 'split the pipeline, or move repeated settings into fewer steps',
    });
  } else if (bytes >= INLINE_DEFINITION_LIMIT) {
    issues.warning('DEFINITION_DEPLOYED_THROUGH_S3', 'definition', `the definition is ${bytes} bytes, so upsert will upload it to S3`, {
      value: bytes,
      rule: `definitions of ${INLINE_DEFINITION_LIMIT} bytes or more go through PipelineDefinitionS3Location`,
      fix: 'no change is needed; the deployer needs s3:PutObject on the asset prefix',
    });
  }
}

/**
 * Finds placeholder values in everything that will be deployed. Config warnings already name the
 * config key; values found elsewhere get their own warning.
 */
export function findPlaceholders(
  configWarnings: readonly Issue[],
  definition: JsonObject,
  definitionText: string,
  requests: ReadonlyMap<FeatureGroup, JsonObject>,
  assets: ReadonlyMap<string, RegisteredAsset>,
  issues: IssueCollector,
): ManifestPlaceholder[] {
  const found = new Map<string, ManifestPlaceholder>();
  const known = new Set<string>();
  for (const warning of configWarnings) {
    const value = String(warning.value);
    known.add(value);
    found.set(`${warning.path}\u0000${value}`, { path: warning.path, value });
  }
  const scan = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (PLACEHOLDER_PATTERNS.some((placeholder) => placeholder.pattern.test(value))) {
        found.set(`${path}\u0000${value}`, { path, value });
        if (![...known].some((knownValue) => value.includes(knownValue) || knownValue.includes(value))) {
          known.add(value);
          issues.warning('PLACEHOLDER_VALUE', path, 'a deployed value still contains a placeholder', {
            value,
            rule: 'placeholder values compile, but upsert refuses to deploy them',
            fix: path.endsWith('.AppSpecification.ImageUri')
              ? 'the default ingest image is named after the role ARN’s account: set the real role_arn, or set ingest_image_uri in the config'
              : 'replace the placeholder with the real value',
          });
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => scan(item, `${path}[${index}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        scan(item, `${path}.${key}`);
      }
    }
  };
  // Walking every string of a large definition is slow, so it is walked only when the text has a match.
  if (PLACEHOLDER_PATTERNS.some((placeholder) => placeholder.pattern.test(definitionText))) {
    scan(definition, 'definition');
  }
  for (const [group, request] of requests) {
    scan(request, `featureGroups.${group.name}`);
  }
  for (const asset of assets.values()) {
    if (asset.kind === 'ingest-config') {
      scan(JSON.parse(new TextDecoder().decode(asset.content)), `assets.${asset.fileName}`);
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
