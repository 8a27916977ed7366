/** A value that JSON can represent; rendered definitions and requests are built from these. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object whose key order is the order of insertion. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** The value kinds of SageMaker pipeline parameters and expressions. */
export type ValueType = 'String' | 'Integer' | 'Float' | 'Boolean';
