import type { FeatureGroup } from '../dsl/feature-group.js';
import { FieldPath } from './context.js';
import type { IamContext, IamNeed } from './iam.js';
import { kmsKeyArn, passRoleNeed } from './iam-needs.js';

/** Glue database of offline-store tables that Feature Store creates itself. */
export const OFFLINE_STORE_DATABASE = 'sagemaker_featurestore';

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

function groupPath(group: FeatureGroup): FieldPath {
  return new FieldPath(['featureGroups', group.name]);
}

/** Case variants of a name, given case first, without duplicates. */
function caseVariants(name: string): string[] {
  return [...new Set([name, name.toLowerCase()])];
}

/** Returns the Glue database and table pattern of a group's offline store, or undefined when it has none. */
export function offlineStoreTable(group: FeatureGroup): { readonly database: string; readonly table: string; readonly exact: boolean } | undefined {
  const offline = group.props.offlineStore;
  if (offline === undefined) {
    return undefined;
  }
  if (offline.dataCatalog !== undefined) {
    return { database: offline.dataCatalog.database, table: offline.dataCatalog.tableName, exact: true };
  }
  if (offline.disableGlueTableCreation === true) {
    return undefined;
  }
  // NOTE: Feature Store names the table after the group plus its creation time, and an AWS
  // example shows `<group>-<epoch seconds>`. Whether it also swaps '-' for '_' is not documented,
  // so the pattern relies only on Glue lower-casing names and on the group name as a prefix.
  return { database: OFFLINE_STORE_DATABASE, table: `${group.name.toLowerCase()}*`, exact: false };
}

function glueTableResources(context: IamContext, table: { readonly database: string; readonly table: string }): string[] {
  return [context.arn.glueCatalog(), context.arn.glueDatabase(table.database), context.arn.glueTable(table.database, table.table)];
}

/**
 * Declares what a principal needs to create the feature group when it does not exist:
 * CreateFeatureGroup and DescribeFeatureGroup, AddTags for tagged groups, PassRole for the
 * offline-store role, and the Glue catalog writes of the offline-store table.
 */
export function featureGroupCreatorNeeds(context: IamContext, group: FeatureGroup, caller: string): IamNeed[] {
  const groupArns = context.arn.sagemaker('feature-group', group.name);
  const needs: IamNeed[] = [
    {
      sid: 'CreateFeatureGroups',
      actions: ['sagemaker:CreateFeatureGroup', 'sagemaker:DescribeFeatureGroup'],
      resources: groupArns,
      reason: `${caller} creates feature group '${group.name}' when it does not exist and waits until it is Created`,
    },
  ];
  if (group.props.tags !== undefined && Object.keys(group.props.tags).length > 0) {
    needs.push({
      sid: 'TagFeatureGroups',
      actions: ['sagemaker:AddTags'],
      resources: groupArns,
      reason: `feature group '${group.name}' has tags, and CreateFeatureGroup with tags also needs sagemaker:AddTags`,
    });
  }

  const offline = group.props.offlineStore;
  if (offline !== undefined && group.props.roleArn !== undefined) {
    needs.push(passRoleNeed([context.arn.role(group.props.roleArn)], `CreateFeatureGroup hands the offline-store role of '${group.name}' to Feature Store`));
  }

  const table = offlineStoreTable(group);
  if (table !== undefined && offline?.disableGlueTableCreation !== true) {
    // NOTE: which principal Feature Store uses to create the offline-store table is not
    // documented; AWS's managed policies give glue:CreateTable to the caller of
    // CreateFeatureGroup and not to the offline-store role, so it is granted to the caller.
    needs.push(
      {
        sid: 'CreateOfflineStoreDatabase',
        actions: ['glue:CreateDatabase', 'glue:GetDatabase'],
        resources: [context.arn.glueCatalog(), context.arn.glueDatabase(table.database)],
        reason: `CreateFeatureGroup creates the Glue database ${table.database} for the offline store of '${group.name}' when it does not exist yet`,
      },
      {
        sid: 'CreateOfflineStoreTable',
        actions: ['glue:CreateTable'],
        resources: glueTableResources(context, table),
        reason: `CreateFeatureGroup creates the Glue table of the offline store of '${group.name}'`,
        scope: 'Feature Store names the table after the group and its creation time, which is only known when the group is created',
      },
    );
  }

  needs.push(...onlineStoreKeyNeeds(context, group));
  return needs;
}

/** Declares what a principal needs to write records into the group, and to add features when allowed. */
export function featureGroupWriterNeeds(context: IamContext, group: FeatureGroup, options: { readonly addFeatures: boolean }): IamNeed[] {
  const groupArns = context.arn.sagemaker('feature-group', group.name);
  const needs: IamNeed[] = [
    {
      sid: 'WriteFeatureRecords',
      actions: ['sagemaker:PutRecord'],
      resources: groupArns,
      reason: `the ingest runtime writes the cleaned records into '${group.name}' with PutRecord`,
    },
  ];
  if (options.addFeatures) {
    needs.push({
      sid: 'AddFeatures',
      actions: ['sagemaker:UpdateFeatureGroup'],
      resources: groupArns,
      reason: `the step may add declared features that '${group.name}' lacks (allowFeatureAdditions)`,
    });
  }
  needs.push(...onlineStoreKeyNeeds(context, group));
  return needs;
}

/** Declares the KMS needs of the group's online-store key, when the group has one. */
function onlineStoreKeyNeeds(context: IamContext, group: FeatureGroup): IamNeed[] {
  const onlineKey = group.props.onlineStore?.enabled === true ? group.props.onlineStore.kmsKeyId : undefined;
  if (onlineKey === undefined) {
    return [];
  }
  const key = kmsKeyArn(context, onlineKey, groupPath(group).child('onlineStore', 'kmsKeyId'), `the online store of '${group.name}'`);
  return key === undefined ? [] : [onlineStoreKeyNeed(context, key, group)];
}

function onlineStoreKeyNeed(context: IamContext, keyArn: string, group: FeatureGroup): IamNeed {
  // NOTE: the SageMaker guide lists these actions for the key policy of an online-store key. It
  // does not say which of them the creating principal and the writing principal each use.
  return {
    sid: 'UseOnlineStoreKey',
    actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:RetireGrant'],
    resources: [keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `sagemaker.${context.arn.region}.${context.arn.dnsSuffix}` } },
    reason: `the online store of '${group.name}' is encrypted with this key, which Feature Store uses on the caller's behalf`,
  };
}

/**
 * Declares what the offline-store role needs. Feature Store assumes it to write Parquet files
 * below the group's folder of the offline-store URI and to keep the Glue table up to date.
 */
export function offlineStoreRoleNeeds(context: IamContext, group: FeatureGroup): IamNeed[] {
  const offline = group.props.offlineStore;
  const match = offline === undefined ? null : S3_URI.exec(offline.s3Uri);
  if (offline === undefined || match === null) {
    return [];
  }
  const bucket = match[1] as string;
  const base = (match[2] ?? '').replace(/\/+$/, '');
  // Feature Store writes below <uri>/<account>/sagemaker/<region>/offline-store/<group>-<creation time>/.
  const folder = `${base === '' ? '' : `${base}/`}${context.arn.account}/sagemaker/${context.arn.region}/offline-store/`;
  const objectResources = caseVariants(group.name).map((name) => context.arn.s3Object(bucket, `${folder}${name}-*`));
  const needs: IamNeed[] = [
    {
      sid: 'WriteOfflineStore',
      actions: offline.tableFormat === 'Iceberg' ? ['s3:GetObject', 's3:PutObject', 's3:PutObjectAcl'] : ['s3:PutObject', 's3:PutObjectAcl'],
      resources: objectResources,
      reason: `Feature Store writes the offline store of '${group.name}' with this role and sets the object ACL${offline.tableFormat === 'Iceberg' ? ', and reads the Iceberg metadata back' : ''}`,
      scope: "the group's folder ends with its creation time, which is only known when the group is created",
    },
    {
      sid: 'ReadOfflineStoreBucketAcl',
      actions: ['s3:GetBucketAcl'],
      resources: [context.arn.s3Bucket(bucket)],
      reason: `Feature Store checks the bucket ACL of the offline store of '${group.name}' before it writes`,
    },
  ];

  const table = offlineStoreTable(group);
  if (table !== undefined) {
    needs.push({
      sid: 'UpdateOfflineStoreTable',
      actions: ['glue:GetTable', 'glue:UpdateTable'],
      resources: glueTableResources(context, table),
      reason: `Feature Store updates the Glue table of the offline store of '${group.name}' as it writes`,
      ...(table.exact ? {} : { scope: 'Feature Store names the table after the group and its creation time, which is only known when the group is created' }),
    });
  }
  if (offline.kmsKeyId !== undefined) {
    const key = kmsKeyArn(context, offline.kmsKeyId, groupPath(group).child('offlineStore', 'kmsKeyId'), `the offline store of '${group.name}'`);
    if (key !== undefined) {
      // No kms:ViaService condition: a SageMaker ViaService condition on the offline-store key
      // makes CreateFeatureGroup fail, as the SageMaker guide warns.
      needs.push({
        sid: 'UseOfflineStoreKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key],
        reason: `the offline store of '${group.name}' is encrypted with this key`,
      });
    }
  }
  return needs;
}
