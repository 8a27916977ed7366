import { type Expression, isExpression, walkExpression } from '../dsl/expressions.js';
import type { JsonValue } from '../dsl/json.js';
import type { Step } from '../dsl/step.js';
import { type ArgumentTree, NestedStep } from '../steps/context.js';

/**
 * Visits every expression in a step's own argument tree, nested expressions included. Steps
 * nested in the tree (a Condition step's branches) are not entered: their references belong to
 * them.
 */
export function forEachExpression(tree: ArgumentTree, visit: (expression: Expression) => void): void {
  if (tree === null || typeof tree !== 'object') {
    return;
  }
  if (Array.isArray(tree)) {
    for (const item of tree) {
      forEachExpression(item, visit);
    }
    return;
  }
  if (Object.getPrototypeOf(tree) === Object.prototype) {
    for (const key in tree) {
      forEachExpression((tree as Record<string, ArgumentTree>)[key] as ArgumentTree, visit);
    }
    return;
  }
  if (tree instanceof NestedStep) {
    return;
  }
  if (isExpression(tree)) {
    for (const expression of walkExpression(tree)) {
      visit(expression);
    }
  }
}

/** Converts an argument tree to JSON: expressions render themselves, nested steps through `renderStep`. */
export function serializeTree(tree: ArgumentTree, renderStep: (step: Step) => JsonValue): JsonValue {
  if (tree === null || typeof tree !== 'object') {
    return tree;
  }
  // Plain objects and arrays are by far the most common nodes, so they are tested first.
  if (Array.isArray(tree)) {
    return tree.map((item) => serializeTree(item, renderStep));
  }
  if (Object.getPrototypeOf(tree) === Object.prototype) {
    const result: Record<string, JsonValue> = {};
    for (const key in tree) {
      result[key] = serializeTree((tree as Record<string, ArgumentTree>)[key] as ArgumentTree, renderStep);
    }
    return result;
  }
  if (tree instanceof NestedStep) {
    return renderStep(tree.step);
  }
  if (isExpression(tree)) {
    return tree.toJson();
  }
  throw new TypeError(`unexpected ${Object.prototype.toString.call(tree)} in an argument tree`);
}
