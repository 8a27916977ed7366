/**
 * Ingests the public IBM Telco customer churn data set (7,043 customers, 21 columns) into the
 * feature group `telco_customer_churn`. Yes/No and 0/1 columns become 1/0 Integral features,
 * the multi-valued service columns keep their declared spellings, and the blank TotalCharges
 * of customers with zero tenure become missing features.
 */
import { Execution, feature, featureGroup, featureStoreIngest, loadConfig, param, pipeline, str } from 'sagepipe';

const config = loadConfig(new URL('./configs/pipeline_config.yaml', import.meta.url));

const flag = feature.integral().booleanWords();
const internetAddOn = feature.string().allowedValues(['Yes', 'No', 'No internet service']);

export const telcoFeatures = featureGroup({
  name: config.feature_group_name,
  description: 'IBM Telco customer churn features, one record per customer',
  recordIdentifier: 'customerID',
  eventTime: 'event_time',
  features: {
    customerID: feature.string(),
    event_time: feature.string(),
    gender: feature.string().allowedValues(['Female', 'Male']),
    SeniorCitizen: flag,
    Partner: flag,
    Dependents: flag,
    tenure: feature.integral(),
    PhoneService: flag,
    MultipleLines: feature.string().allowedValues(['Yes', 'No', 'No phone service']),
    InternetService: feature.string().allowedValues(['DSL', 'Fiber optic', 'No']),
    OnlineSecurity: internetAddOn,
    OnlineBackup: internetAddOn,
    DeviceProtection: internetAddOn,
    TechSupport: internetAddOn,
    StreamingTV: internetAddOn,
    StreamingMovies: internetAddOn,
    Contract: feature.string().allowedValues(['Month-to-month', 'One year', 'Two year']),
    PaperlessBilling: flag,
    PaymentMethod: feature.string().allowedValues(['Electronic check', 'Mailed check', 'Bank transfer (automatic)', 'Credit card (automatic)']),
    MonthlyCharges: feature.fractional(),
    // Blank for the customers with zero tenure; the default null tokens make it missing.
    TotalCharges: feature.fractional(),
    Churn: flag,
  },
  offlineStore: { s3Uri: config.offline_store_s3_uri },
  onlineStore: { enabled: config.online_store_enabled },
  roleArn: config.role_arn,
  tags: { project: config.project_name },
});

const processingInstanceType = param.string('ProcessingInstanceType', { default: config.processing_instance_type });

const ingest = featureStoreIngest('IngestTelcoCustomers', {
  description: 'Clean the Telco rows and write them to the feature group',
  featureGroup: telcoFeatures,
  source: { database: config.athena_database, table: config.athena_table, outputLocation: config.athena_query_results },
  // The data set has no time column, so every row gets the run's start time.
  eventTime: 'ingest-time',
  maxRejectedRows: 0,
  instanceType: processingInstanceType,
  reportDestination: str`s3://${config.bucket}/${config.prefix}/ingestion_output/${Execution.PipelineExecutionId}`,
  notification: { topicArn: config.sns_topic_arn, title: 'Feature Store Ingestion - Telco Churn' },
});

export default pipeline(config.pipeline_name, {
  description: 'Feature Store ingestion of the IBM Telco customer churn data set',
  parameters: [processingInstanceType],
  roleArn: config.role_arn,
  region: config.region,
  assets: { bucket: config.bucket, prefix: config.prefix },
  tags: { project: config.project_name },
  config,
  steps: [ingest],
});
