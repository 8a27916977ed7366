import type { FeatureGroup, FeatureSettings } from '../dsl/feature-group.js';
import type { JsonObject, JsonValue } from '../dsl/json.js';
import type { IssueCollector } from './issues.js';

export const FEATURE_GROUP_NAME = /^[a-zA-Z0-9]([_-]*[a-zA-Z0-9]){0,63}$/;
export const FEATURE_NAME = /^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$/;
/** Columns that the offline store adds to every row, so features may not use these names. */
export const RESERVED_FEATURE_NAMES = ['is_deleted', 'write_time', 'api_invocation_time'] as const;
export const MAX_FEATURES = 2500;

const S3_URI = /^(https|s3):\/\/([^/]+)\/?(.*)$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|[A-Z_]+):role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Renders a feature group as the CreateFeatureGroup request, in the key order the SageMaker
 * Python SDK uses, and reports every rule the service would reject.
 */
export function renderFeatureGroupRequest(group: FeatureGroup, issues: IssueCollector): JsonObject {
  const props = group.props;
  const base = `featureGroups.${props.name}`;
  const names = group.featureNames;

  if (typeof props.name !== 'string' || !FEATURE_GROUP_NAME.test(props.name)) {
    issues.error('INVALID_FEATURE_GROUP_NAME', `${base}.name`, `feature group name '${String(props.name)}' is invalid`, {
      value: props.name,
      rule: 'feature group names are 1-64 letters and digits, with - or _ only between them',
      fix: 'rename the group, for example customer_features',
    });
  }
  if (names.length === 0 || names.length > MAX_FEATURES) {
    issues.error('INVALID_FEATURE_COUNT', `${base}.features`, `the group declares ${names.length} features`, {
      value: names.length,
      rule: `a feature group has 1 to ${MAX_FEATURES} features`,
      fix: names.length === 0 ? 'declare the features' : 'split the features over several groups',
    });
  }

  const definitions: JsonValue[] = [];
  for (const name of names) {
    const settings = group.featureSettings(name) as FeatureSettings;
    checkFeature(name, settings, props, issues, `${base}.features.${name}`);
    const definition: JsonObject = { FeatureName: name, FeatureType: settings.type };
    if (settings.collectionType !== undefined) {
      definition['CollectionType'] = settings.collectionType;
      if (settings.collectionType === 'Vector') {
        definition['CollectionConfig'] = { VectorConfig: { Dimension: settings.vectorDimension ?? 0 } };
      }
    }
    definitions.push(definition);
  }

  checkKeyFeature(group, 'recordIdentifier', issues, base);
  checkKeyFeature(group, 'eventTime', issues, base);
  const eventTimeSettings = group.featureSettings(props.eventTime);
  if (eventTimeSettings !== undefined && eventTimeSettings.type === 'Integral') {
    issues.error('INVALID_EVENT_TIME_TYPE', `${base}.features.${props.eventTime}`, `event time feature '${props.eventTime}' is Integral`, {
      value: eventTimeSettings.type,
      rule: 'the event time feature is String (ISO-8601 UTC) or Fractional (epoch seconds)',
      fix: 'declare it with feature.string() or feature.fractional()',
    });
  }

  const request: JsonObject = {
    FeatureGroupName: props.name,
    RecordIdentifierFeatureName: props.recordIdentifier,
    EventTimeFeatureName: props.eventTime,
    FeatureDefinitions: definitions,
  };
  if (props.roleArn !== undefined) {
    if (!ROLE_ARN.test(props.roleArn)) {
      issues.error('INVALID_ROLE_ARN', `${base}.roleArn`, `'${props.roleArn}' is not an IAM role ARN`, {
        value: props.roleArn,
        rule: 'role ARNs look like arn:aws:iam::123456789012:role/name',
        fix: 'copy the role ARN from the IAM console',
      });
    }
    request['RoleArn'] = props.roleArn;
  }

  const online = props.onlineStore;
  if (online !== undefined && online.enabled) {
    const config: JsonObject = { EnableOnlineStore: true };
    if (online.kmsKeyId !== undefined) {
      config['SecurityConfig'] = { KmsKeyId: online.kmsKeyId };
    }
    if (online.ttl !== undefined) {
      if (!Number.isSafeInteger(online.ttl.value) || online.ttl.value < 1) {
        issues.error('INVALID_TTL', `${base}.onlineStore.ttl.value`, 'the online store TTL must be a whole number of at least 1', {
          value: online.ttl.value,
          rule: 'TtlDuration.Value ≥ 1',
          fix: 'set a positive whole number',
        });
      }
      config['TtlDuration'] = { Unit: online.ttl.unit, Value: online.ttl.value };
    }
    if (online.storageType !== undefined) {
      config['StorageType'] = online.storageType;
    }
    request['OnlineStoreConfig'] = config;
  } else if (online?.ttl !== undefined || online?.storageType !== undefined || online?.kmsKeyId !== undefined) {
    issues.error('ONLINE_SETTINGS_WITHOUT_ONLINE_STORE', `${base}.onlineStore`, 'online store settings are given but the online store is off', {
      value: online,
      rule: 'TTL, storage type and KMS key apply only to an enabled online store',
      fix: 'set enabled: true, or remove the settings',
    });
  }

  const offline = props.offlineStore;
  if (offline !== undefined) {
    request['OfflineStoreConfig'] = renderOfflineStore(group, issues, base);
  }
  if (offline === undefined && (online === undefined || !online.enabled)) {
    issues.error('NO_STORE', base, `feature group '${props.name}' has neither an online nor an offline store`, {
      rule: 'a feature group needs at least one store',
      fix: 'set offlineStore: { s3Uri } or onlineStore: { enabled: true }',
    });
  }
  if (offline !== undefined && props.roleArn === undefined) {
    issues.error('MISSING_ROLE', `${base}.roleArn`, 'the offline store needs a role that Feature Store assumes to write it', {
      rule: 'CreateFeatureGroup requires RoleArn with an offline store',
      fix: 'set roleArn on the feature group',
    });
  }

  if (props.throughput !== undefined) {
    const throughput = props.throughput;
    const config: JsonObject = { ThroughputMode: throughput.mode };
    if (throughput.mode === 'Provisioned') {
      for (const [key, value] of [
        ['readCapacityUnits', throughput.readCapacityUnits],
        ['writeCapacityUnits', throughput.writeCapacityUnits],
      ] as const) {
        if (!Number.isSafeInteger(value) || value < 0 || value > 10_000_000) {
          issues.error('INVALID_CAPACITY', `${base}.throughput.${key}`, `${key} is out of range`, {
            value,
            rule: 'provisioned capacity units are whole numbers from 0 to 10,000,000',
            fix: 'choose a value in range',
          });
        }
      }
      config['ProvisionedReadCapacityUnits'] = throughput.readCapacityUnits;
      config['ProvisionedWriteCapacityUnits'] = throughput.writeCapacityUnits;
      if (online?.enabled && online.storageType === 'InMemory') {
        issues.error('PROVISIONED_IN_MEMORY', `${base}.throughput`, 'provisioned throughput is not available for an InMemory online store', {
          rule: 'Provisioned mode works only for offline-only or Standard online groups',
          fix: "use mode 'OnDemand' or storage type 'Standard'",
        });
      }
    }
    request['ThroughputConfig'] = config;
  }

  if (props.description !== undefined) {
    if (props.description.length > 128) {
      issues.error('DESCRIPTION_TOO_LONG', `${base}.description`, 'the feature group description is too long', {
        value: props.description.length,
        rule: 'feature group descriptions are at most 128 characters',
        fix: 'shorten the description',
      });
    }
    request['Description'] = props.description;
  }
  if (props.tags !== undefined) {
    const keys = Object.keys(props.tags);
    if (keys.length > 50) {
      issues.error('TOO_MANY_TAGS', `${base}.tags`, `${keys.length} tags are set`, { value: keys.length, rule: 'at most 50 tags', fix: 'remove tags' });
    }
    request['Tags'] = keys.map((key) => {
      const value = props.tags?.[key] ?? '';
      if (key.length < 1 || key.length > 128 || value.length > 256 || !TAG_TEXT.test(key) || !TAG_TEXT.test(value)) {
        issues.error('INVALID_TAG', `${base}.tags.${key}`, `tag '${key}' is invalid`, {
          value: { [key]: value },
          rule: 'tag keys are 1-128 and values up to 256 letters, digits, spaces and _.:/=+-@',
          fix: 'remove the other characters',
        });
      }
      return { Key: key, Value: value };
    });
  }
  return request;
}

function renderOfflineStore(group: FeatureGroup, issues: IssueCollector, base: string): JsonObject {
  const offline = group.props.offlineStore as NonNullable<FeatureGroup['props']['offlineStore']>;
  const path = `${base}.offlineStore`;
  const disableGlue = offline.disableGlueTableCreation ?? false;
  if (!S3_URI.test(offline.s3Uri) || offline.s3Uri.length > 1024) {
    issues.error('INVALID_S3_URI', `${path}.s3Uri`, `'${offline.s3Uri}' is not an S3 URI`, {
      value: offline.s3Uri,
      rule: 'the offline store location is s3://bucket/prefix, at most 1024 characters',
      fix: 'write the location as s3://<bucket>/<prefix>/',
    });
  }
  const storage: JsonObject = { S3Uri: offline.s3Uri };
  if (offline.kmsKeyId !== undefined) {
    storage['KmsKeyId'] = offline.kmsKeyId;
  }
  const config: JsonObject = { DisableGlueTableCreation: disableGlue, S3StorageConfig: storage };
  if (offline.dataCatalog !== undefined) {
    const catalog = offline.dataCatalog;
    for (const [key, value] of [
      ['catalog', catalog.catalog],
      ['database', catalog.database],
      ['tableName', catalog.tableName],
    ] as const) {
      if (value.length < 1 || value.length > 255 || value !== value.toLowerCase()) {
        issues.error('INVALID_DATA_CATALOG_NAME', `${path}.dataCatalog.${key}`, `data catalog ${key} '${value}' is invalid`, {
          value,
          rule: 'data catalog names are 1-255 characters in lower case, as Glue stores them',
          fix: `use '${value.toLowerCase()}'`,
        });
      }
    }
    config['DataCatalogConfig'] = { TableName: catalog.tableName, Catalog: catalog.catalog, Database: catalog.database };
  }
  if (offline.tableFormat !== undefined) {
    config['TableFormat'] = offline.tableFormat;
    if (offline.tableFormat === 'Iceberg') {
      if (disableGlue) {
        issues.error('ICEBERG_NEEDS_GLUE_TABLE', `${path}.disableGlueTableCreation`, 'an Iceberg offline store needs Glue table creation', {
          value: disableGlue,
          rule: 'TableFormat Iceberg requires DisableGlueTableCreation false',
          fix: 'remove disableGlueTableCreation or set it to false',
        });
      }
      const eventTime = group.featureSettings(group.props.eventTime);
      if (eventTime !== undefined && eventTime.type !== 'String') {
        issues.error('ICEBERG_NEEDS_STRING_EVENT_TIME', `${base}.features.${group.props.eventTime}`, 'an Iceberg offline store needs a String event time', {
          value: eventTime.type,
          rule: 'Iceberg feature groups accept String event times only',
          fix: 'declare the event time with feature.string()',
        });
      }
    }
  }
  return config;
}

function checkKeyFeature(group: FeatureGroup, key: 'recordIdentifier' | 'eventTime', issues: IssueCollector, base: string): void {
  const name = group.props[key];
  const settings = group.featureSettings(name);
  const label = key === 'recordIdentifier' ? 'record identifier' : 'event time';
  if (settings === undefined) {
    issues.error('KEY_FEATURE_NOT_DECLARED', `${base}.${key}`, `${label} '${String(name)}' is not one of the group's features`, {
      value: name,
      rule: `the ${label} feature must be declared among the features`,
      fix: `add '${String(name)}' to features, or name a declared feature`,
    });
    return;
  }
  if (settings.collectionType !== undefined) {
    issues.error('KEY_FEATURE_COLLECTION', `${base}.features.${name}`, `${label} '${name}' is a ${settings.collectionType}`, {
      value: settings.collectionType,
      rule: `the ${label} is a single value`,
      fix: 'remove the collection declaration',
    });
  }
}

function checkFeature(
  name: string,
  settings: FeatureSettings,
  props: FeatureGroup['props'],
  issues: IssueCollector,
  path: string,
): void {
  if (!FEATURE_NAME.test(name)) {
    issues.error('INVALID_FEATURE_NAME', path, `feature name '${name}' is invalid`, {
      value: name,
      rule: 'feature names are 1-64 letters and digits, with - or _ only between them',
      fix: 'rename the feature',
    });
  }
  if ((RESERVED_FEATURE_NAMES as readonly string[]).includes(name.toLowerCase())) {
    issues.error('RESERVED_FEATURE_NAME', path, `feature name '${name}' is reserved by the offline store`, {
      value: name,
      rule: `reserved names: ${RESERVED_FEATURE_NAMES.join(', ')}`,
      fix: `rename the feature, for example source_${name}`,
    });
  }
  if (settings.collectionType === 'Vector') {
    if (settings.type !== 'Fractional') {
      issues.error('VECTOR_NOT_FRACTIONAL', path, `vector feature '${name}' is ${settings.type}`, {
        value: settings.type,
        rule: 'vector features hold Fractional values',
        fix: 'declare it with feature.fractional().vector(n)',
      });
    }
    const dimension = settings.vectorDimension;
    if (dimension === undefined || !Number.isSafeInteger(dimension) || dimension < 1 || dimension > 8192) {
      issues.error('INVALID_VECTOR_DIMENSION', `${path}.vectorDimension`, `vector feature '${name}' has dimension ${String(dimension)}`, {
        value: dimension,
        rule: 'vector dimensions are whole numbers from 1 to 8192',
        fix: 'pass the embedding size to .vector(n)',
      });
    }
  }
  if (settings.collectionType !== undefined && !(props.onlineStore?.enabled && props.onlineStore.storageType === 'InMemory')) {
    issues.warning('COLLECTION_WITHOUT_IN_MEMORY_STORE', path, `collection feature '${name}' is declared without an InMemory online store`, {
      rule: 'SageMaker documents collection types for InMemory online stores',
      fix: "set onlineStore: { enabled: true, storageType: 'InMemory' } or declare a scalar feature",
    });
  }

  const cleaning = settings.cleaning;
  if (cleaning.booleanWords !== undefined && settings.type !== 'Integral') {
    issues.error('BOOLEAN_WORDS_NOT_INTEGRAL', `${path}.cleaning.booleanWords`, `feature '${name}' maps boolean words but is ${settings.type}`, {
      value: settings.type,
      rule: 'boolean words map to 1 and 0, so the feature is Integral',
      fix: 'declare it with feature.integral().booleanWords()',
    });
  }
  if (cleaning.booleanWords !== undefined) {
    const trueWords = new Set(cleaning.booleanWords.true.map((word) => word.trim().toLowerCase()));
    const overlap = cleaning.booleanWords.false.filter((word) => trueWords.has(word.trim().toLowerCase()));
    if (overlap.length > 0) {
      issues.error('AMBIGUOUS_BOOLEAN_WORDS', `${path}.cleaning.booleanWords`, `words ${overlap.join(', ')} map to both 1 and 0`, {
        value: overlap,
        rule: 'a word maps to one value',
        fix: 'remove the word from one list',
      });
    }
  }
  if (cleaning.allowedValues !== undefined) {
    if (settings.type !== 'String') {
      issues.error('ALLOWED_VALUES_NOT_STRING', `${path}.cleaning.allowedValues`, `feature '${name}' declares allowed values but is ${settings.type}`, {
        value: settings.type,
        rule: 'allowed values are canonical spellings of String features',
        fix: 'declare the feature with feature.string()',
      });
    }
    const seen = new Map<string, string>();
    for (const value of cleaning.allowedValues.values) {
      const key = value.trim().toLowerCase();
      const previous = seen.get(key);
      if (previous !== undefined) {
        issues.error('AMBIGUOUS_ALLOWED_VALUES', `${path}.cleaning.allowedValues`, `'${previous}' and '${value}' differ only in case or padding`, {
          value: [previous, value],
          rule: 'allowed values are matched case- and whitespace-insensitively, so each must be distinct that way',
          fix: 'keep one spelling',
        });
      }
      seen.set(key, value);
    }
    if (cleaning.caseRule !== undefined) {
      issues.warning('CASE_RULE_IGNORED', `${path}.cleaning.caseRule`, `feature '${name}' declares both allowed values and a case rule`, {
        rule: 'allowed values set the spelling, so the case rule is not applied',
        fix: 'remove the case rule',
      });
    }
  }
  if (cleaning.caseRule !== undefined && settings.type !== 'String') {
    issues.error('CASE_RULE_NOT_STRING', `${path}.cleaning.caseRule`, `feature '${name}' declares a case rule but is ${settings.type}`, {
      value: settings.type,
      rule: 'case rules apply to String features',
      fix: 'remove the case rule',
    });
  }
}
