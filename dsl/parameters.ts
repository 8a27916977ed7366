import { Expression, isExpression } from './expressions.js';
import type { JsonObject, JsonValue, ValueType } from './json.js';

type DefaultOf<T extends ValueType> = T extends 'String' ? string : T extends 'Boolean' ? boolean : number;

/** Options shared by every parameter kind. */
export interface ParameterOptions<T extends ValueType> {
  /** Value used when an execution does not set the parameter. @default - none: each start must pass it */
  readonly default?: DefaultOf<T>;
  /** Free text for readers of the source; SageMaker does not store it. */
  readonly description?: string;
}

/** Options of a String parameter. */
export interface StringParameterOptions extends ParameterOptions<'String'> {
  /** The only values an execution may pass, rendered as `EnumValues`. @default - any string */
  readonly allowedValues?: readonly string[];
}

/**
 * A pipeline parameter, rendered as `{"Get": "Parameters.<name>"}` where it is used and declared
 * once in the definition's `Parameters` list.
 */
export class Parameter<T extends ValueType = ValueType> extends Expression<T> {
  readonly expressionKind = 'parameter' as const;

  constructor(
    readonly name: string,
    readonly valueType: T,
    readonly options: StringParameterOptions | ParameterOptions<T> = {},
  ) {
    super();
  }

  get defaultValue(): DefaultOf<T> | undefined {
    return this.options.default as DefaultOf<T> | undefined;
  }

  get allowedValues(): readonly string[] | undefined {
    return (this.options as StringParameterOptions).allowedValues;
  }

  describe(): string {
    return `${this.valueType} parameter '${this.name}'`;
  }

  toJson(): JsonValue {
    return { Get: `Parameters.${this.name}` };
  }

  /** Renders the declaration in the definition's `Parameters` list, in the SDK's key order. */
  toDeclarationJson(): JsonObject {
    const declaration: JsonObject = { Name: this.name, Type: this.valueType };
    if (this.defaultValue !== undefined) {
      declaration['DefaultValue'] = this.defaultValue as JsonValue;
    }
    if (this.allowedValues !== undefined) {
      declaration['EnumValues'] = [...this.allowedValues];
    }
    return declaration;
  }
}

/** Factories for the four parameter kinds SageMaker supports. */
export const param = {
  string(name: string, options: StringParameterOptions = {}): Parameter<'String'> {
    return new Parameter(name, 'String', options);
  },
  integer(name: string, options: ParameterOptions<'Integer'> = {}): Parameter<'Integer'> {
    return new Parameter(name, 'Integer', options);
  },
  float(name: string, options: ParameterOptions<'Float'> = {}): Parameter<'Float'> {
    return new Parameter(name, 'Float', options);
  },
  boolean(name: string, options: ParameterOptions<'Boolean'> = {}): Parameter<'Boolean'> {
    return new Parameter(name, 'Boolean', options);
  },
};

export function isParameter(value: unknown): value is Parameter {
  return isExpression(value) && value.expressionKind === 'parameter';
}
