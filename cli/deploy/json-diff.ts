/**
 * A structural diff of two JSON values, as a list of field changes with paths such as
 * `Steps[IngestToFeatureStore].Arguments.ProcessingResources.ClusterConfig.InstanceCount`.
 * Key order and whitespace never count as changes.
 */

/** One field that differs between the deployed and the compiled value. */
export interface FieldChange {
  readonly path: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** The deployed value; absent for `added`. */
  readonly before?: unknown;
  /** The compiled value; absent for `removed`. */
  readonly after?: unknown;
}

/**
 * Lists the changes from `before` to `after`. Lists whose items are all objects with a unique
 * string `Name` (steps, parameters) are matched by name, so inserting a step reports one added
 * step instead of a change at every later index. Other lists are compared by index.
 */
export function diffJson(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const changes: FieldChange[] = [];
    for (const key of Object.keys(after)) {
      const child = childPath(path, key);
      if (!(key in before)) {
        changes.push({ path: child, change: 'added', after: after[key] });
      } else {
        changes.push(...diffJson(before[key], after[key], child));
      }
    }
    for (const key of Object.keys(before)) {
      if (!(key in after)) {
        changes.push({ path: childPath(path, key), change: 'removed', before: before[key] });
      }
    }
    return changes;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    return namedItems(before) !== undefined && namedItems(after) !== undefined ? diffNamedLists(before, after, path) : diffIndexedLists(before, after, path);
  }
  return deepEqual(before, after) ? [] : [{ path: path === '' ? '(root)' : path, change: 'changed', before, after }];
}

function diffNamedLists(before: readonly unknown[], after: readonly unknown[], path: string): FieldChange[] {
  const beforeByName = namedItems(before) as Map<string, unknown>;
  const afterByName = namedItems(after) as Map<string, unknown>;
  const changes: FieldChange[] = [];
  for (const [name, item] of afterByName) {
    const child = `${path}[${name}]`;
    changes.push(...(beforeByName.has(name) ? diffJson(beforeByName.get(name), item, child) : [{ path: child, change: 'added' as const, after: item }]));
  }
  for (const [name, item] of beforeByName) {
    if (!afterByName.has(name)) {
      changes.push({ path: `${path}[${name}]`, change: 'removed', before: item });
    }
  }
  const order = (names: Map<string, unknown>): string[] => [...names.keys()].filter((name) => beforeByName.has(name) && afterByName.has(name));
  // The same items in another order still change the definition: step and parameter order is kept.
  if (changes.length === 0 && order(beforeByName).join('\u0000') !== order(afterByName).join('\u0000')) {
    changes.push({ path, change: 'changed', before: [...beforeByName.keys()], after: [...afterByName.keys()] });
  }
  return changes;
}

function diffIndexedLists(before: readonly unknown[], after: readonly unknown[], path: string): FieldChange[] {
  const changes: FieldChange[] = [];
  const length = Math.max(before.length, after.length);
  for (let index = 0; index < length; index += 1) {
    const child = `${path}[${index}]`;
    if (index >= before.length) {
      changes.push({ path: child, change: 'added', after: after[index] });
    } else if (index >= after.length) {
      changes.push({ path: child, change: 'removed', before: before[index] });
    } else {
      changes.push(...diffJson(before[index], after[index], child));
    }
  }
  return changes;
}

/** Items by their `Name`, or undefined when any item lacks a string Name or a name repeats. */
function namedItems(items: readonly unknown[]): Map<string, unknown> | undefined {
  if (items.length === 0) {
    return new Map();
  }
  const byName = new Map<string, unknown>();
  for (const item of items) {
    const name = isObject(item) ? item['Name'] : undefined;
    if (typeof name !== 'string' || byName.has(name)) {
      return undefined;
    }
    byName.set(name, item);
  }
  return byName;
}

function childPath(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (path === '') {
    return segment;
  }
  return segment.startsWith('[') ? `${path}${segment}` : `${path}.${segment}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compares JSON values by content, ignoring key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}
