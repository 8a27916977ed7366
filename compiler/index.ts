export { compile, DEFINITION_VERSION, INLINE_DEFINITION_LIMIT, MAX_DEFINITION_LENGTH } from './compile.js';
export type { Artifacts, CompileOptions, CompileResult } from './compile.js';
export { formatIssue, issueToJson, IssueCollector, ValidationFailedError } from './issues.js';
export type { Issue, Severity } from './issues.js';
export { toCompactJson, toPrettyJson } from './json-text.js';
export type { ArtifactFile, ArtifactRole, Manifest, ManifestFile, ManifestParameter } from './manifest.js';
