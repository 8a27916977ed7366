/**
 * The churn feature-store ingestion: reads the messy churn table from Athena, cleans it and
 * ingests it into the feature group `mlops_poc_churn_classification_feature`, with an SNS
 * notification on failure. Settings come from configs/pipeline_config.yaml.
 */
import { Execution, feature, featureGroup, featureStoreIngest, loadConfig, param, pipeline, str } from 'sagepipe';

const config = loadConfig(new URL('./configs/pipeline_config.yaml', import.meta.url));

const yesNo = ['Yes', 'No'];

export const churnFeatures = featureGroup({
  name: config.feature_group_name,
  description: 'Cleaned churn features for training (customers 1-4000) and inference (4001-5000)',
  recordIdentifier: 'customer_id',
  eventTime: 'event_time',
  features: {
    customer_id: feature.string(),
    event_time: feature.string(),
    age: feature.integral(),
    tenure_months: feature.integral(),
    monthly_charges: feature.fractional(),
    total_charges: feature.fractional(),
    contract_type: feature.string().allowedValues(['Month-to-month', 'One year', 'Two year']),
    payment_method: feature.string().allowedValues(['Electronic check', 'Mailed check', 'Bank transfer', 'Credit card']),
    internet_service: feature.string().allowedValues(['DSL', 'Fiber optic', 'No']),
    phone_service: feature.string().allowedValues(yesNo),
    multiple_lines: feature.string().allowedValues(yesNo),
    online_security: feature.string().allowedValues(yesNo),
    tech_support: feature.string().allowedValues(yesNo),
    device_protection: feature.string().allowedValues(yesNo),
    churn: feature.integral().booleanWords(),
  },
  offlineStore: { s3Uri: config.offline_store_s3_uri },
  onlineStore: { enabled: config.online_store_enabled },
  roleArn: config.role_arn,
  tags: { project: config.project_name },
});

const processingInstanceType = param.string('ProcessingInstanceType', { default: config.processing_instance_type });

const ingest = featureStoreIngest('IngestToFeatureStore', {
  description: 'Clean the raw churn rows and write them to the feature group',
  featureGroup: churnFeatures,
  source: {
    database: config.athena_database,
    table: config.athena_table,
    outputLocation: config.athena_query_results,
    ...(config.athena_workgroup !== undefined ? { workGroup: config.athena_workgroup } : {}),
  },
  // The raw table has no event time column, so every row gets the run's start time.
  eventTime: 'ingest-time',
  maxRejectedRows: config.max_rejected_rows ?? 0,
  instanceType: processingInstanceType,
  ...(config.ingest_image_uri !== undefined ? { imageUri: config.ingest_image_uri } : {}),
  reportDestination: str`s3://${config.bucket}/${config.prefix}/ingestion_output/${Execution.PipelineExecutionId}`,
  notification: {
    topicArn: config.sns_topic_arn,
    title: 'Feature Store Ingestion - Churn Classification',
  },
});

export default pipeline(config.pipeline_name, {
  description: 'Feature Store ingestion for churn classification',
  parameters: [processingInstanceType],
  roleArn: config.role_arn,
  region: config.region,
  assets: { bucket: config.bucket, prefix: config.prefix },
  tags: { project: config.project_name },
  config,
  steps: [ingest],
});
