/** The Athena, Glue and S3 permissions that the query of a feature-store ingest step needs. */
import type { FieldPath } from './context.js';
import type { FeatureStoreIngestStep } from './feature-store-ingest.js';
import type { IamContext, IamNeed } from './iam.js';
import { readKeyPattern, s3ReadNeeds } from './iam-needs.js';

/** Athena runs the query with the caller's rights: the workgroup, the Glue catalog and both S3 folders. */
export function ingestAthenaNeeds(step: FeatureStoreIngestStep, context: IamContext, path: FieldPath): IamNeed[] {
  const source = step.ingestProps.source;
  const catalog = source.catalog ?? 'AwsDataCatalog';
  const table = `${source.database}.${source.table}`;
  const needs: IamNeed[] = [
    {
      sid: 'RunAthenaQueries',
      actions: ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution'],
      resources: [context.arn.athenaWorkGroup(source.workGroup ?? 'primary')],
      reason: `the ingest runtime queries ${table} in workgroup '${source.workGroup ?? 'primary'}', polls the query, pages its results and stops it on timeout`,
    },
  ];

  if (catalog === 'AwsDataCatalog') {
    // Glue stores database and table names in lower case, and ARNs name them that way.
    const database = source.database.toLowerCase();
    const glueTable = source.table.toLowerCase();
    needs.push(
      {
        sid: 'ReadSourceDatabase',
        actions: ['glue:GetDatabase'],
        resources: [context.arn.glueCatalog(), context.arn.glueDatabase(database)],
        reason: `Athena reads the Glue database of ${table} with the caller's rights`,
      },
      {
        sid: 'ReadSourceTable',
        actions: ['glue:GetPartitions', 'glue:GetTable'],
        resources: [context.arn.glueCatalog(), context.arn.glueDatabase(database), context.arn.glueTable(database, glueTable)],
        reason: `Athena reads the Glue table and partitions of ${table} with the caller's rights`,
      },
    );
  } else {
    needs.push({
      sid: 'ReadSourceDataCatalog',
      actions: ['athena:GetDataCatalog'],
      resources: [context.arn.athenaDataCatalog(catalog)],
      reason: `the query reads data catalog '${catalog}'`,
    });
    context.gap({
      code: 'IAM_CATALOG_NOT_DERIVED',
      path: path.child('catalog'),
      message: `the source uses data catalog '${catalog}', whose own permissions are not derived`,
      value: catalog,
      rule: 'sagepipe derives Glue permissions for AwsDataCatalog only; other catalogs (Lambda or federated) have their own permissions',
      fix: `grant the job role what catalog '${catalog}' needs outside sagepipe`,
    });
  }

  if (source.dataLocation !== undefined) {
    const data = context.s3Location(source.dataLocation, path.child('dataLocation'), `the data of ${table}`);
    if (data !== undefined) {
      needs.push(...s3ReadNeeds(context, data, 'ReadSourceData', `Athena reads the data files of ${table} with the caller's rights`));
    }
  } else {
    context.gap({
      code: 'IAM_SOURCE_DATA_NOT_DERIVED',
      path: path.child('dataLocation'),
      message: `the S3 folder of ${table} is not set, so the job role gets no read access to the table's data files`,
      rule: "Athena reads a table's data files with the caller's rights, and the table location is not part of the pipeline",
      fix: 'set source.dataLocation to the table location (`SHOW CREATE TABLE` prints it), or grant s3:GetObject and s3:ListBucket on it outside sagepipe',
    });
  }

  const results = context.s3Location(source.outputLocation, path.child('outputLocation'), 'the Athena query results');
  if (results !== undefined) {
    const pattern = readKeyPattern(results);
    needs.push(
      {
        sid: 'WriteAthenaResults',
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
        resources: [context.arn.s3Object(results.bucket, pattern)],
        reason: "Athena writes the query results with the caller's rights, and the runtime reads the result file back",
        scope: 'every query writes files named after its query id, which is only known at run time',
      },
      {
        sid: 'AthenaResultsBucket',
        actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        resources: [context.arn.s3Bucket(results.bucket)],
        reason: "Athena checks the results bucket's Region and its multipart uploads with the caller's rights",
      },
      {
        sid: 'ListBucketPrefixes',
        actions: ['s3:ListBucket'],
        resources: [context.arn.s3Bucket(results.bucket)],
        conditions: { StringLike: { 's3:prefix': pattern } },
        reason: 'Athena lists the results folder',
      },
    );
  }
  return needs;
}
