import { CONDITION, hasBrand } from './brand.js';
import type { ArgumentTree, FieldPath } from '../steps/context.js';
import { type Expression, type ExpressionValue, isExpression } from './expressions.js';

export type ComparisonType = 'Equals' | 'GreaterThan' | 'GreaterThanOrEqualTo' | 'LessThan' | 'LessThanOrEqualTo';
export type ConditionType = ComparisonType | 'In' | 'Not' | 'Or';

/**
 * A condition of a Condition step. Create one with the static factories; a list of conditions
 * on a step is a conjunction, so there is no `and`.
 */
export abstract class Condition {
  readonly [CONDITION] = true;
  abstract readonly type: ConditionType;

  /** Builds the condition's JSON in the SDK's key order, rendering operands through `renderer`. */
  abstract toTree(renderer: ConditionRenderer, path: FieldPath): ArgumentTree;

  /** Operands that are expressions, for reference scanning. */
  abstract expressions(): readonly Expression[];

  /** Operands of every kind, for validation. */
  abstract operands(): readonly ExpressionValue[];

  /** Nested conditions (for `Not` and `Or`). */
  nested(): readonly Condition[] {
    return [];
  }

  static equals(left: ExpressionValue, right: ExpressionValue): Condition {
    return new Comparison('Equals', left, right);
  }

  static greaterThan(left: ExpressionValue, right: ExpressionValue): Condition {
    return new Comparison('GreaterThan', left, right);
  }

  static greaterThanOrEqualTo(left: ExpressionValue, right: ExpressionValue): Condition {
    return new Comparison('GreaterThanOrEqualTo', left, right);
  }

  static lessThan(left: ExpressionValue, right: ExpressionValue): Condition {
    return new Comparison('LessThan', left, right);
  }

  static lessThanOrEqualTo(left: ExpressionValue, right: ExpressionValue): Condition {
    return new Comparison('LessThanOrEqualTo', left, right);
  }

  /** True when `value` equals one of `values`. */
  static in(value: ExpressionValue, values: readonly ExpressionValue[]): Condition {
    return new InCondition(value, values);
  }

  static not(condition: Condition): Condition {
    return new NotCondition(condition);
  }

  static or(...conditions: Condition[]): Condition {
    return new OrCondition(conditions);
  }
}

/** Renders the parts of a condition; the compiler supplies it so operands are checked with their paths. */
export interface ConditionRenderer {
  operand(value: ExpressionValue, path: FieldPath): ArgumentTree;
  condition(condition: Condition, path: FieldPath): ArgumentTree;
}

export function isCondition(value: unknown): value is Condition {
  return hasBrand(value, CONDITION);
}

class Comparison extends Condition {
  constructor(
    readonly type: ComparisonType,
    readonly left: ExpressionValue,
    readonly right: ExpressionValue,
  ) {
    super();
  }

  toTree(renderer: ConditionRenderer, path: FieldPath): ArgumentTree {
    return {
      Type: this.type,
      LeftValue: renderer.operand(this.left, path.child('leftValue')),
      RightValue: renderer.operand(this.right, path.child('rightValue')),
    };
  }

  expressions(): readonly Expression[] {
    return this.operands().filter(isExpression);
  }

  operands(): readonly ExpressionValue[] {
    return [this.left, this.right];
  }
}

class InCondition extends Condition {
  readonly type = 'In' as const;

  constructor(
    readonly value: ExpressionValue,
    readonly values: readonly ExpressionValue[],
  ) {
    super();
  }

  toTree(renderer: ConditionRenderer, path: FieldPath): ArgumentTree {
    return {
      Type: 'In',
      QueryValue: renderer.operand(this.value, path.child('queryValue')),
      Values: this.values.map((value, index) => renderer.operand(value, path.child('values', index))),
    };
  }

  expressions(): readonly Expression[] {
    return this.operands().filter(isExpression);
  }

  operands(): readonly ExpressionValue[] {
    return [this.value, ...this.values];
  }
}

class NotCondition extends Condition {
  readonly type = 'Not' as const;

  constructor(readonly condition: Condition) {
    super();
  }

  // The service expects `Condition`; early SDK releases wrote `Expression` and were rejected.
  toTree(renderer: ConditionRenderer, path: FieldPath): ArgumentTree {
    return { Type: 'Not', Condition: renderer.condition(this.condition, path.child('condition')) };
  }

  expressions(): readonly Expression[] {
    return [];
  }

  operands(): readonly ExpressionValue[] {
    return [];
  }

  override nested(): readonly Condition[] {
    return [this.condition];
  }
}

class OrCondition extends Condition {
  readonly type = 'Or' as const;

  constructor(readonly conditions: readonly Condition[]) {
    super();
  }

  toTree(renderer: ConditionRenderer, path: FieldPath): ArgumentTree {
    return {
      Type: 'Or',
      Conditions: this.conditions.map((condition, index) => renderer.condition(condition, path.child('conditions', index))),
    };
  }

  expressions(): readonly Expression[] {
    return [];
  }

  operands(): readonly ExpressionValue[] {
    return [];
  }

  override nested(): readonly Condition[] {
    return this.conditions;
  }
}

/** Walks a condition tree depth first, the root included. */
export function* walkCondition(root: Condition): Generator<Condition> {
  yield root;
  for (const child of root.nested()) {
    yield* walkCondition(child);
  }
}
