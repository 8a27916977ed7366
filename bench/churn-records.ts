/** Churn feature records and the feature group they belong to, shared by the AWS-path benchmarks. */
import type { FeatureRecord } from '../runtime/ports.js';

export const BENCH_FEATURE_GROUP = 'bench_churn_features';

/** Event time of every generated record: ISO-8601 UTC, as a String event time feature takes it. */
export const BENCH_EVENT_TIME = '2024-05-01T12:00:00Z';

/** The CreateFeatureGroup request of the churn features, with the online store the writer targets. */
export const CHURN_FEATURE_GROUP_REQUEST = {
  FeatureGroupName: BENCH_FEATURE_GROUP,
  RecordIdentifierFeatureName: 'customer_id',
  EventTimeFeatureName: 'event_time',
  FeatureDefinitions: [
    { FeatureName: 'customer_id', FeatureType: 'String' },
    { FeatureName: 'event_time', FeatureType: 'String' },
    { FeatureName: 'age', FeatureType: 'Integral' },
    { FeatureName: 'tenure_months', FeatureType: 'Integral' },
    { FeatureName: 'monthly_charges', FeatureType: 'Fractional' },
    { FeatureName: 'total_charges', FeatureType: 'Fractional' },
    { FeatureName: 'contract_type', FeatureType: 'String' },
    { FeatureName: 'payment_method', FeatureType: 'String' },
    { FeatureName: 'internet_service', FeatureType: 'String' },
    { FeatureName: 'phone_service', FeatureType: 'String' },
    { FeatureName: 'multiple_lines', FeatureType: 'String' },
    { FeatureName: 'online_security', FeatureType: 'String' },
    { FeatureName: 'tech_support', FeatureType: 'String' },
    { FeatureName: 'device_protection', FeatureType: 'String' },
    { FeatureName: 'churn', FeatureType: 'Integral' },
  ],
  OnlineStoreConfig: { EnableOnlineStore: true },
};

/** Record identifier of the record at `index`; warm-up records get their own prefix so counts can tell them apart. */
export function benchIdentifier(index: number, prefix = 'CUST'): string {
  return `${prefix}_${String(index).padStart(7, '0')}`;
}

/** Builds a cleaned churn record, as the runtime hands it to the record writer. */
export function churnRecord(identifier: string, index: number): FeatureRecord {
  const tenure = index % 73;
  return {
    identifier,
    eventTime: BENCH_EVENT_TIME,
    eventTimeMs: Date.parse(BENCH_EVENT_TIME),
    values: [
      { featureName: 'customer_id', valueAsString: identifier },
      { featureName: 'event_time', valueAsString: BENCH_EVENT_TIME },
      { featureName: 'age', valueAsString: String(18 + (index % 63)) },
      { featureName: 'tenure_months', valueAsString: String(tenure) },
      { featureName: 'monthly_charges', valueAsString: '64.85' },
      { featureName: 'total_charges', valueAsString: (64.85 * tenure).toFixed(2) },
      { featureName: 'contract_type', valueAsString: ['Month-to-month', 'One year', 'Two year'][index % 3] as string },
      { featureName: 'payment_method', valueAsString: 'Electronic check' },
      { featureName: 'internet_service', valueAsString: 'Fiber optic' },
      { featureName: 'phone_service', valueAsString: 'Yes' },
      { featureName: 'multiple_lines', valueAsString: 'No' },
      { featureName: 'online_security', valueAsString: 'No' },
      { featureName: 'tech_support', valueAsString: 'Yes' },
      { featureName: 'device_protection', valueAsString: 'No' },
      { featureName: 'churn', valueAsString: String(index % 2) },
    ],
  };
}
