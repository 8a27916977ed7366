import type { Artifacts } from '../compiler/compile.js';
import type { Issue } from '../compiler/issues.js';
import featureGroupSchema from '../schemas/create-feature-group-request.schema.json' with { type: 'json' };
import definitionSchema from '../schemas/pipeline-definition.schema.json' with { type: 'json' };
import manifestSchema from '../schemas/manifest.schema.json' with { type: 'json' };
import { schemaIssues, validatorFor } from '../schemas/validate.js';

/**
 * Checks compiled artifacts against sagepipe's own schemas before they are written. A mismatch
 * is a bug in sagepipe, not in the user's pipeline, so the issues say so.
 */
export function checkArtifactsAgainstSchemas(artifacts: Artifacts): Issue[] {
  const issues: Issue[] = [];
  const check = (schema: object, data: unknown, root: string, document: string): void => {
    const validate = validatorFor(schema);
    if (!validate(data)) {
      for (const issue of schemaIssues(validate.errors, data, schema, { code: 'OUTPUT_SCHEMA_MISMATCH', root, document })) {
        issues.push({ ...issue, fix: 'this is a bug in sagepipe: please report it with the pipeline that triggers it' });
      }
    }
  };
  check(definitionSchema, artifacts.definition, 'definition', 'the compiled pipeline definition');
  for (const [name, request] of artifacts.featureGroupRequests) {
    check(featureGroupSchema, request, `featureGroups.${name}`, `the CreateFeatureGroup request of ${name}`);
  }
  check(manifestSchema, JSON.parse(artifacts.manifestText), 'manifest', 'manifest.json');
  return issues;
}
