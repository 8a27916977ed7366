import type { ArnBuilder } from '../../steps/iam.js';

/** The parts of an IAM role ARN. */
export interface RoleArnParts {
  readonly partition: string;
  readonly account: string;
  /** Path and name, such as `service-role/ML-Role-Pipelines`. */
  readonly nameWithPath: string;
  /** The name alone, the last part of the path. */
  readonly name: string;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::([^:]+):role\/((?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64}))$/;

/** Splits a role ARN into its parts, or returns undefined when it is not one. */
export function parseRoleArn(roleArn: string): RoleArnParts | undefined {
  const match = ROLE_ARN.exec(roleArn);
  if (match === null) {
    return undefined;
  }
  return { partition: match[1] as string, account: match[2] as string, nameWithPath: match[3] as string, name: match[4] as string };
}

/** Returns the AWS partition of a Region: `aws-cn` for China, `aws-us-gov` for GovCloud, `aws` otherwise. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  if (region.startsWith('us-gov-')) {
    return 'aws-us-gov';
  }
  return 'aws';
}

/** Host suffix of a partition's service endpoints and principals. */
export function dnsSuffixOf(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** Creates the ARN builder of one account and Region. */
export function createArnBuilder(region: string, account: string): ArnBuilder {
  const partition = partitionOf(region);
  const regional = (service: string, resource: string): string => `arn:${partition}:${service}:${region}:${account}:${resource}`;

  return {
    partition,
    region,
    account,
    dnsSuffix: dnsSuffixOf(partition),

    sagemaker(resourceType, name) {
      // SageMaker writes resource names in lower case in the ARNs it returns. Listing both forms
      // keeps a mixed-case name matched whichever form the request context carries.
      return [...new Set([name, name.toLowerCase()])].map((variant) => regional('sagemaker', `${resourceType}/${variant}`));
    },
    role(roleArn) {
      return roleArn;
    },
    s3Bucket(bucket) {
      return `arn:${partition}:s3:::${bucket}`;
    },
    s3Object(bucket, keyPattern) {
      return `arn:${partition}:s3:::${bucket}/${keyPattern}`;
    },
    glueCatalog() {
      return regional('glue', 'catalog');
    },
    glueDatabase(database) {
      return regional('glue', `database/${database}`);
    },
    glueTable(database, tablePattern) {
      return regional('glue', `table/${database}/${tablePattern}`);
    },
    athenaWorkGroup(name) {
      return regional('athena', `workgroup/${name}`);
    },
    athenaDataCatalog(name) {
      return regional('athena', `datacatalog/${name}`);
    },
    logGroup(name) {
      return regional('logs', `log-group:${name}`);
    },
    logStreams(groupName) {
      return regional('logs', `log-group:${groupName}:log-stream:*`);
    },
    ecrRepository(repositoryAccount, repositoryRegion, repository) {
      return `arn:${partitionOf(repositoryRegion)}:ecr:${repositoryRegion}:${repositoryAccount}:repository/${repository}`;
    },
    kmsKey(keyId) {
      return regional('kms', `key/${keyId}`);
    },
  };
}
