import {
  type CaseRule,
  type CollectionType,
  DEFAULT_BOOLEAN_WORDS,
  DEFAULT_NULL_TOKENS,
  type FeatureCleaning,
  type FeatureType,
} from '../runtime/ingest-config.js';
import { FEATURE_GROUP, hasBrand } from './brand.js';

/** Everything a feature declares: its type, collection and cleaning rules. */
export interface FeatureSettings {
  readonly type: FeatureType;
  readonly collectionType?: CollectionType;
  readonly vectorDimension?: number;
  readonly sourceColumn?: string;
  readonly cleaning: FeatureCleaning;
}

/**
 * Declares one feature. Each method returns a new builder, so a base declaration can be shared
 * and refined: `feature.string().allowedValues(['Yes', 'No'])`.
 */
export class FeatureBuilder<T extends FeatureType = FeatureType> {
  constructor(readonly settings: FeatureSettings & { readonly type: T }) {}

  private with(changes: Partial<FeatureSettings>): FeatureBuilder<T> {
    return new FeatureBuilder<T>({ ...this.settings, ...changes } as FeatureSettings & { readonly type: T });
  }

  private withCleaning(changes: Partial<FeatureCleaning>): FeatureBuilder<T> {
    return this.with({ cleaning: { ...this.settings.cleaning, ...changes } });
  }

  /** Makes the feature a list of values (`CollectionType: List`). */
  list(): FeatureBuilder<T> {
    return this.with({ collectionType: 'List' });
  }

  /** Makes the feature a set of distinct values (`CollectionType: Set`). */
  set(): FeatureBuilder<T> {
    return this.with({ collectionType: 'Set' });
  }

  /** Makes the feature a vector of `dimension` Fractional values (`CollectionType: Vector`). */
  vector(dimension: number): FeatureBuilder<T> {
    return this.with({ collectionType: 'Vector', vectorDimension: dimension });
  }

  /** Reads the raw value from a source column of another name. @default - the feature name */
  from(sourceColumn: string): FeatureBuilder<T> {
    return this.with({ sourceColumn });
  }

  /** Turns whitespace trimming of String values on or off. @default true */
  trim(enabled = true): FeatureBuilder<T> {
    return this.withCleaning({ trim: enabled });
  }

  /** Replaces the null tokens: values that mean "missing", compared case-insensitively. */
  nullTokens(tokens: readonly string[]): FeatureBuilder<T> {
    return this.withCleaning({ nullTokens: [...tokens] });
  }

  /**
   * Declares the canonical spellings of a categorical String feature. Any casing or padding of
   * one maps to it; other values are rejected, or kept as cleaned with `onUnknown: 'keep'`.
   */
  allowedValues(values: readonly string[], options: { readonly onUnknown?: 'reject' | 'keep' } = {}): FeatureBuilder<T> {
    return this.withCleaning({ allowedValues: { values: [...values], onUnknown: options.onUnknown ?? 'reject' } });
  }

  /** Applies a case rule to String values without allowed values, such as title case. */
  caseRule(rule: CaseRule): FeatureBuilder<T> {
    return this.withCleaning({ caseRule: rule });
  }

  /** Shorthand for `caseRule('title')`: `fiber OPTIC` becomes `Fiber Optic`. */
  titleCase(): FeatureBuilder<T> {
    return this.caseRule('title');
  }

  /**
   * Maps boolean words to 1 and 0 for an Integral feature. Unknown words reject the row.
   * @default - yes/true/1 and no/false/0, in any case
   */
  booleanWords(words: { readonly true: readonly string[]; readonly false: readonly string[] } = DEFAULT_BOOLEAN_WORDS): FeatureBuilder<T> {
    return this.withCleaning({ booleanWords: { true: [...words.true], false: [...words.false] } });
  }

  /** Turns parsing of numeric text on or off for Integral and Fractional features. @default true */
  coerceNumbers(enabled = true): FeatureBuilder<T> {
    return this.withCleaning({ coerceNumbers: enabled });
  }
}

const DEFAULT_CLEANING: FeatureCleaning = { trim: true, nullTokens: DEFAULT_NULL_TOKENS, coerceNumbers: true };

/** Factories for the three feature types of SageMaker Feature Store. */
export const feature = {
  /** UTF-8 text. */
  string(): FeatureBuilder<'String'> {
    return new FeatureBuilder({ type: 'String', cleaning: DEFAULT_CLEANING });
  },
  /** Signed 64-bit integer. */
  integral(): FeatureBuilder<'Integral'> {
    return new FeatureBuilder({ type: 'Integral', cleaning: DEFAULT_CLEANING });
  },
  /** IEEE-754 double. */
  fractional(): FeatureBuilder<'Fractional'> {
    return new FeatureBuilder({ type: 'Fractional', cleaning: DEFAULT_CLEANING });
  },
};

export type TtlUnit = 'Seconds' | 'Minutes' | 'Hours' | 'Days' | 'Weeks';

/** Online store settings; rendered as `OnlineStoreConfig` when enabled. */
export interface OnlineStoreProps {
  readonly enabled: boolean;
  /** Records expire this long after their event time. */
  readonly ttl?: { readonly unit: TtlUnit; readonly value: number };
  /** @default - not sent, so the service default ('Standard') applies */
  readonly storageType?: 'Standard' | 'InMemory';
  readonly kmsKeyId?: string;
}

/** Offline store settings; rendered as `OfflineStoreConfig`. */
export interface OfflineStoreProps {
  /** S3 folder under which Feature Store writes Parquet files. */
  readonly s3Uri: string;
  readonly kmsKeyId?: string;
  /** @default - not sent, so the service default (Glue) applies */
  readonly tableFormat?: 'Glue' | 'Iceberg';
  /** Names of the Glue table; all three are required together. */
  readonly dataCatalog?: { readonly catalog: string; readonly database: string; readonly tableName: string };
  /** @default false */
  readonly disableGlueTableCreation?: boolean;
}

export type ThroughputProps =
  | { readonly mode: 'OnDemand' }
  | { readonly mode: 'Provisioned'; readonly readCapacityUnits: number; readonly writeCapacityUnits: number };

/** Settings of a feature group; see CreateFeatureGroup in the SageMaker API reference. */
export interface FeatureGroupProps<F extends Record<string, FeatureBuilder>> {
  readonly name: string;
  /** Features keyed by name; the key is the `FeatureName`. */
  readonly features: F;
  readonly recordIdentifier: keyof F & string;
  readonly eventTime: keyof F & string;
  readonly onlineStore?: OnlineStoreProps;
  readonly offlineStore?: OfflineStoreProps;
  /** Role Feature Store assumes to write the offline store. */
  readonly roleArn?: string;
  readonly throughput?: ThroughputProps;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Feature group settings after the feature names are checked against the features by `featureGroup`. */
export type ResolvedFeatureGroupProps = Omit<FeatureGroupProps<Record<string, FeatureBuilder>>, 'recordIdentifier' | 'eventTime'> & {
  readonly recordIdentifier: string;
  readonly eventTime: string;
};

/**
 * A feature-group schema, which the compiler renders as a CreateFeatureGroup request. The class is
 * not generic, so any group fits where a group is expected. `featureGroup()` is generic instead,
 * so that TypeScript checks the key feature names against the declared features.
 */
export class FeatureGroup {
  readonly [FEATURE_GROUP] = true;

  constructor(readonly props: ResolvedFeatureGroupProps) {}

  get name(): string {
    return this.props.name;
  }

  /** Feature names in declaration order. */
  get featureNames(): readonly string[] {
    return Object.keys(this.props.features);
  }

  /** Returns the declared settings of a feature, or undefined when it is not declared. */
  featureSettings(name: string): FeatureSettings | undefined {
    return Object.hasOwn(this.props.features, name) ? this.props.features[name]?.settings : undefined;
  }
}

export function isFeatureGroup(value: unknown): value is FeatureGroup {
  return hasBrand(value, FEATURE_GROUP);
}

/** Declares a feature group schema with its features keyed by name. */
export function featureGroup<F extends Record<string, FeatureBuilder>>(props: FeatureGroupProps<F>): FeatureGroup {
  return new FeatureGroup(props as ResolvedFeatureGroupProps);
}
