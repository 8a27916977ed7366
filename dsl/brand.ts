/**
 * Global symbols that mark sagepipe objects. A user's pipeline may load a second copy of
 * sagepipe (one from the CLI, one from the project), so identity checks use these registered
 * symbols instead of `instanceof`.
 */
export const EXPRESSION: unique symbol = Symbol.for('sagepipe.expression');
export const STEP: unique symbol = Symbol.for('sagepipe.step');
export const CONDITION: unique symbol = Symbol.for('sagepipe.condition');
export const PIPELINE: unique symbol = Symbol.for('sagepipe.pipeline');
export const FEATURE_GROUP: unique symbol = Symbol.for('sagepipe.feature-group');
export const PROPERTY_FILE: unique symbol = Symbol.for('sagepipe.property-file');
export const CONFIG_SOURCE: unique symbol = Symbol.for('sagepipe.config-source');

export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
