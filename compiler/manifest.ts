import { createHash } from 'node:crypto';

/** What a file of the artifact folder is for; `upsert` and `plan` find files by role. */
export type ArtifactRole =
  | 'pipeline-definition'
  | 'pipeline-definition-review'
  | 'create-pipeline-request'
  | 'create-feature-group-request'
  | 'asset'
  | 'iam-policy'
  | 'iam-trust-policy'
  | 'iam-review';

/** One file the compiler produces, with its bytes. */
export interface ArtifactFile {
  /** Path inside the artifact folder, with forward slashes. */
  readonly path: string;
  readonly role: ArtifactRole;
  readonly content: Uint8Array;
  /** Feature group a request belongs to. */
  readonly featureGroupName?: string;
  /** Deployed location of an asset. */
  readonly s3Uri?: string;
  readonly assetKind?: 'ingest-config' | 'runtime-bundle';
  /** IAM documents: the role the document belongs to and what it is for. */
  readonly iamRole?: string;
}

/** A file as the manifest lists it. */
export interface ManifestFile {
  readonly path: string;
  readonly role: ArtifactRole;
  readonly sha256: string;
  readonly bytes: number;
  readonly featureGroupName?: string;
  readonly s3Uri?: string;
  readonly assetKind?: 'ingest-config' | 'runtime-bundle';
  readonly iamRole?: string;
}

/** A declared pipeline parameter, for `start` to check values before calling the service. */
export interface ManifestParameter {
  readonly name: string;
  readonly type: 'String' | 'Integer' | 'Float' | 'Boolean';
  readonly default?: string | number | boolean;
  readonly allowedValues?: readonly string[];
}

/** A value that still holds a placeholder; `upsert` refuses to deploy while any is listed. */
export interface ManifestPlaceholder {
  readonly path: string;
  readonly value: string;
}

/** `manifest.json`: the contract between `compile` and the deploy commands. */
export interface Manifest {
  readonly manifestVersion: 1;
  readonly sagepipeVersion: string;
  readonly pipeline: {
    readonly name: string;
    readonly region: string | null;
    readonly roleArn: string;
    readonly definitionFile: string;
    readonly definitionBytes: number;
    /** `inline` below 100 KiB, otherwise the definition goes through PipelineDefinitionS3Location. */
    readonly deployDefinitionVia: 'inline' | 's3';
    readonly parameters: readonly ManifestParameter[];
  };
  readonly assets: { readonly bucket: string; readonly prefix: string } | null;
  readonly featureGroups: readonly { readonly name: string; readonly requestFile: string }[];
  readonly files: readonly ManifestFile[];
  readonly placeholders: readonly ManifestPlaceholder[];
}

export function sha256Hex(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Lists files for the manifest, sorted by path so that the manifest is deterministic. */
export function describeFiles(files: readonly ArtifactFile[]): ManifestFile[] {
  return [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((file) => ({
      path: file.path,
      role: file.role,
      sha256: sha256Hex(file.content),
      bytes: file.content.byteLength,
      ...(file.featureGroupName !== undefined ? { featureGroupName: file.featureGroupName } : {}),
      ...(file.s3Uri !== undefined ? { s3Uri: file.s3Uri } : {}),
      ...(file.assetKind !== undefined ? { assetKind: file.assetKind } : {}),
      ...(file.iamRole !== undefined ? { iamRole: file.iamRole } : {}),
    }));
}
