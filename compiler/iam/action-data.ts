import data from './action-data.json' with { type: 'json' };

/** Access levels of the Service Authorization Reference. */
export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging';

/** A resource type an action accepts, with its ARN pattern and resource condition keys. */
export interface ResourceTypeInfo {
  readonly name: string;
  readonly arn: string;
  readonly keys: readonly string[];
}

/** The lint's data about one action. */
export interface ActionInfo {
  /** `service:Action`, spelled as the reference spells it. */
  readonly id: string;
  readonly level: AccessLevel;
  /** Empty when the action takes no resource, so only `"Resource": "*"` works. */
  readonly resourceTypes: readonly ResourceTypeInfo[];
  /** Condition keys of the action row. */
  readonly keys: readonly string[];
}

interface ServiceData {
  readonly resourceTypes: Readonly<Record<string, { readonly arn: string; readonly keys: readonly string[] }>>;
  readonly conditionKeys: Readonly<Record<string, string>>;
  readonly actions: Readonly<Record<string, { readonly level: string; readonly resources: readonly string[]; readonly keys: readonly string[] }>>;
}

const services = data.services as unknown as Readonly<Record<string, ServiceData>>;

/** The source of the action data, for the review page and docs. */
export const ACTION_DATA_SOURCE: { readonly extractedFrom: string; readonly dataUpdated: string } = data.source;

/** Actions AWS added after the data was extracted; the lint warns about them instead of failing. */
export const ACTIONS_NEWER_THAN_DATA: readonly string[] = ['sagemaker:BatchWriteRecord', 'sagemaker:ListRecords'];

/** Action names are case-insensitive in IAM, so lookups go through lower case. */
const actionIndex = new Map<string, ActionInfo>();
for (const [prefix, service] of Object.entries(services)) {
  for (const [name, action] of Object.entries(service.actions)) {
    const resourceTypes = action.resources.map((type) => {
      const declared = service.resourceTypes[type];
      return { name: type, arn: declared?.arn ?? '', keys: declared?.keys ?? [] };
    });
    actionIndex.set(`${prefix}:${name}`.toLowerCase(), { id: `${prefix}:${name}`, level: action.level as AccessLevel, resourceTypes, keys: action.keys });
  }
}

/** True when the service prefix is in the data. */
export function isKnownService(prefix: string): boolean {
  return Object.hasOwn(services, prefix.toLowerCase());
}

/** Looks an action up by `service:Action`, case-insensitively. */
export function findAction(action: string): ActionInfo | undefined {
  return actionIndex.get(action.toLowerCase());
}

/** Lists every action whose name matches an IAM action pattern with `*` and `?`, for wildcard findings. */
export function expandActionPattern(pattern: string): ActionInfo[] {
  const regex = new RegExp(`^${pattern.split('').map((char) => (char === '*' ? '.*' : char === '?' ? '.' : escapeRegex(char))).join('')}$`, 'i');
  return [...actionIndex.values()].filter((info) => regex.test(info.id));
}

/** Type of a condition key (`String`, `ARN`, `Bool`, `ArrayOfString`, ...), or undefined when unknown. */
export function conditionKeyType(key: string): string | undefined {
  const global = GLOBAL_CONDITION_KEYS.find(([pattern]) => keyMatches(pattern, key));
  if (global !== undefined) {
    return global[1];
  }
  const prefix = key.split(':')[0]?.toLowerCase() ?? '';
  const service = services[prefix];
  if (service === undefined) {
    return undefined;
  }
  for (const [pattern, type] of Object.entries(service.conditionKeys)) {
    if (keyMatches(pattern, key)) {
      return type;
    }
  }
  return undefined;
}

/** True when a key is valid for the action: a global key, a key of the action row, or of one of its resource types. */
export function isConditionKeyValidFor(action: ActionInfo, key: string): boolean {
  if (GLOBAL_CONDITION_KEYS.some(([pattern]) => keyMatches(pattern, key))) {
    return true;
  }
  const keys = [...action.keys, ...action.resourceTypes.flatMap((type) => type.keys)];
  return keys.some((pattern) => keyMatches(pattern, key));
}

/**
 * Global condition keys and their types, from the IAM global condition key reference. Keys of the
 * form `aws:RequestTag/${TagKey}` match any tag key.
 */
const GLOBAL_CONDITION_KEYS: readonly (readonly [string, string])[] = [
  ['aws:CalledVia', 'ArrayOfString'],
  ['aws:CalledViaFirst', 'String'],
  ['aws:CalledViaLast', 'String'],
  ['aws:CurrentTime', 'Date'],
  ['aws:EpochTime', 'Date'],
  ['aws:MultiFactorAuthPresent', 'Bool'],
  ['aws:PrincipalAccount', 'String'],
  ['aws:PrincipalArn', 'ARN'],
  ['aws:PrincipalIsAWSService', 'Bool'],
  ['aws:PrincipalOrgID', 'String'],
  ['aws:PrincipalServiceName', 'String'],
  ['aws:PrincipalTag/${TagKey}', 'String'],
  ['aws:PrincipalType', 'String'],
  ['aws:RequestedRegion', 'String'],
  ['aws:RequestTag/${TagKey}', 'String'],
  ['aws:ResourceAccount', 'String'],
  ['aws:ResourceOrgID', 'String'],
  ['aws:ResourceTag/${TagKey}', 'String'],
  ['aws:SecureTransport', 'Bool'],
  ['aws:SourceAccount', 'String'],
  ['aws:SourceArn', 'ARN'],
  ['aws:SourceIdentity', 'String'],
  ['aws:SourceIp', 'IPAddress'],
  ['aws:SourceOrgID', 'String'],
  ['aws:SourceVpc', 'String'],
  ['aws:SourceVpce', 'String'],
  ['aws:TagKeys', 'ArrayOfString'],
  ['aws:userid', 'String'],
  ['aws:username', 'String'],
  ['aws:ViaAWSService', 'Bool'],
];

/** Condition keys compare case-insensitively; `${...}` and `<...>` parts of a pattern match any text. */
function keyMatches(pattern: string, key: string): boolean {
  if (!pattern.includes('${') && !pattern.includes('<')) {
    return pattern.toLowerCase() === key.toLowerCase();
  }
  const source = pattern
    .split(/(\$\{[^}]+\}|<[^>]+>)/)
    .map((part) => (part.startsWith('${') || part.startsWith('<') ? '.+' : escapeRegex(part)))
    .join('');
  return new RegExp(`^${source}$`, 'i').test(key);
}

/** Stands for a `*` or `?` of a policy resource while it is matched against an ARN pattern. */
const WILDCARD_MARK = '\u0001';

const patternCache = new Map<string, RegExp>();

/** Slots whose values may contain `/`, such as S3 object keys, role paths and ECR repository names. */
const PATH_SLOT = /WithPath$|^(ObjectName|LogGroupName|LogStreamName|RepositoryName|Alias|ModelPackageName)$/;

/**
 * True when a policy resource fits an ARN pattern of the reference, such as
 * `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. The partition slot takes only a partition
 * name. Other slots take any text without `/` (path-like slots may contain it) and without the
 * character that follows the slot in the pattern. A wildcard of the resource may stand inside
 * any slot but never for fixed text, so `arn:aws:s3:::b/*` fits the object pattern but not the
 * bucket one.
 */
export function resourceFitsPattern(resource: string, pattern: string): boolean {
  let regex = patternCache.get(pattern);
  if (regex === undefined) {
    regex = compilePattern(pattern);
    patternCache.set(pattern, regex);
  }
  return regex.test(resource.replace(/[*?]/g, WILDCARD_MARK));
}

function compilePattern(pattern: string): RegExp {
  const parts = pattern.split(/(\$\{[^}]+\})/).filter((part) => part !== '');
  const source = parts
    .map((part, index) => {
      if (!part.startsWith('${')) {
        return escapeRegex(part);
      }
      if (part === '${Partition}') {
        return '(?:aws|aws-cn|aws-us-gov)';
      }
      const excluded = `${PATH_SLOT.test(part.slice(2, -1)) ? '' : '/'}${escapeRegex(parts[index + 1]?.[0] ?? '')}`;
      return excluded === '' ? '.+' : `[^${excluded}]+`;
    })
    .join('');
  return new RegExp(`^${source}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
