import { EXPRESSION, hasBrand } from './brand.js';
import type { JsonObject, JsonValue, ValueType } from './json.js';
import type { Step } from './step.js';

/**
 * A value known only when the pipeline runs: a parameter, an execution variable, a step
 * property, a `Std:Join` or a `Std:JsonGet`. Expressions stay typed objects until the compiler
 * renders them, and they refuse implicit conversion to a string so that no definition ever
 * contains `[object Object]`.
 */
export abstract class Expression<T extends ValueType = ValueType> {
  readonly [EXPRESSION] = true;

  /** Discriminant of the expression kind; identity checks use it instead of `instanceof`. */
  abstract readonly expressionKind: ExpressionKind;

  /** The value type at run time, or `undefined` when it is only determined while the pipeline runs. */
  abstract readonly valueType: T | undefined;

  /** A short description for messages, such as `parameter 'InstanceCount'`. */
  abstract describe(): string;

  /** Renders the expression as the JSON that SageMaker evaluates. */
  abstract toJson(): JsonValue;

  /** Expressions nested inside this one, for reference scanning. */
  children(): readonly Expression[] {
    return [];
  }

  /** Steps whose properties this expression reads directly (not through children). */
  referencedSteps(): readonly Step[] {
    return [];
  }

  toString(): string {
    throw new ImplicitConversionError(this);
  }

  toJSON(): never {
    throw new ImplicitConversionError(this);
  }

  [Symbol.toPrimitive](): never {
    throw new ImplicitConversionError(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `<${this.describe()}>`;
  }
}

export type ExpressionKind = 'parameter' | 'execution-variable' | 'step-property' | 'join' | 'json-get';

/** Thrown when an expression is used where JavaScript would convert it to a string or number. */
export class ImplicitConversionError extends TypeError {
  constructor(readonly expression: Expression) {
    super(
      `${expression.describe()} cannot be converted to a string here because its value is only known when ` +
        'the pipeline runs. Build the text with the str`...` tagged template or join([...]), which compile ' +
        'to Std:Join, or pass the expression itself to a field that accepts expressions.',
    );
    this.name = 'ImplicitConversionError';
  }
}

export function isExpression(value: unknown): value is Expression {
  return hasBrand(value, EXPRESSION);
}

/** A literal or an expression, as accepted by fields that the service evaluates at run time. */
export type Primitive = string | number | boolean;
export type ExpressionValue = Primitive | Expression;
export type StringValue = string | Expression<'String'>;
export type IntegerValue = number | Expression<'Integer'>;
export type FloatValue = number | Expression<'Float'> | Expression<'Integer'>;
export type BooleanValue = boolean | Expression<'Boolean'>;

/** Renders a literal or expression operand. */
export function renderValue(value: ExpressionValue): JsonValue {
  return isExpression(value) ? value.toJson() : value;
}

/** A reference to a property of a step's job, rendered as `{"Get": "Steps.<name>.<path>"}`. */
export class StepProperty<T extends ValueType = ValueType> extends Expression<T> {
  readonly expressionKind = 'step-property' as const;

  constructor(
    readonly step: Step,
    readonly path: string,
    readonly valueType: T | undefined,
  ) {
    super();
  }

  describe(): string {
    return `property '${this.path}' of step '${this.step.name}'`;
  }

  toJson(): JsonValue {
    return { Get: `Steps.${this.step.name}.${this.path}` };
  }

  override referencedSteps(): readonly Step[] {
    return [this.step];
  }
}

/**
 * `Std:Join`: concatenates literal and run-time values with a separator. SageMaker treats the
 * result as a String.
 */
export class Join extends Expression<'String'> {
  readonly expressionKind = 'join' as const;
  readonly valueType = 'String' as const;

  constructor(
    readonly values: readonly ExpressionValue[],
    readonly separator: string = '',
  ) {
    super();
  }

  describe(): string {
    return 'Std:Join expression';
  }

  toJson(): JsonValue {
    return { 'Std:Join': { On: this.separator, Values: this.values.map(renderValue) } };
  }

  override children(): readonly Expression[] {
    return this.values.filter(isExpression);
  }
}

/**
 * Joins values with a separator at run time, like `Array.prototype.join`. Non-string
 * expressions (an Integer parameter, say) are converted to text by SageMaker.
 */
export function join(values: readonly ExpressionValue[], separator = ''): Join {
  return new Join(values, separator);
}

/**
 * Tagged template that builds a `Std:Join` with an empty separator, so that
 * str`s3://${bucket}/runs/${Execution.PipelineExecutionId}` works where a plain template literal
 * would throw. Literal text and interpolated literals are merged, so only expressions split the
 * values.
 */
export function str(strings: TemplateStringsArray, ...values: ExpressionValue[]): Join {
  const parts: ExpressionValue[] = [];
  const pushText = (text: string): void => {
    if (text === '') {
      return;
    }
    const last = parts[parts.length - 1];
    if (typeof last === 'string') {
      parts[parts.length - 1] = last + text;
    } else {
      parts.push(text);
    }
  };
  strings.forEach((literal, index) => {
    pushText(literal);
    if (index < values.length) {
      const value = values[index] as ExpressionValue;
      if (value instanceof Join && value.separator === '') {
        // Inline a nested join with an empty separator, so str`${folder}/train` stays one flat join.
        value.values.forEach((part) => (isExpression(part) ? parts.push(part) : pushText(String(part))));
      } else if (isExpression(value)) {
        parts.push(value);
      } else {
        pushText(String(value));
      }
    }
  });
  return new Join(parts, '');
}

/**
 * `Std:JsonGet`: reads a value from a JSON property file that a processing step wrote. The path
 * is a literal, because SageMaker does not evaluate expressions there.
 */
export class JsonGet extends Expression {
  readonly expressionKind = 'json-get' as const;
  readonly valueType = undefined;

  constructor(
    readonly step: Step,
    readonly propertyFileName: string,
    readonly jsonPath: string,
  ) {
    super();
  }

  describe(): string {
    return `Std:JsonGet '${this.jsonPath}' on property file '${this.propertyFileName}' of step '${this.step.name}'`;
  }

  toJson(): JsonValue {
    const body: JsonObject = {
      PropertyFile: { Get: `Steps.${this.step.name}.PropertyFiles.${this.propertyFileName}` },
      Path: this.jsonPath,
    };
    return { 'Std:JsonGet': body };
  }

  override referencedSteps(): readonly Step[] {
    return [this.step];
  }
}

/**
 * Converts a value for a field that SageMaker reads as a string. A String expression stays as
 * it is, and any other expression is wrapped in a `Std:Join` with an empty separator so the
 * service converts it to text, never a bare `Get` of a number.
 */
export function asStringExpression(value: ExpressionValue): string | Expression {
  if (!isExpression(value)) {
    return typeof value === 'string' ? value : String(value);
  }
  if (value.valueType === 'String') {
    return value;
  }
  return new Join([value], '');
}

/** Walks an expression tree depth first, the root included. */
export function* walkExpression(root: Expression): Generator<Expression> {
  yield root;
  for (const child of root.children()) {
    yield* walkExpression(child);
  }
}
