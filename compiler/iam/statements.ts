import type { JsonObject } from '../../dsl/json.js';
import type { IamConditions, IamNeed } from '../../steps/iam.js';

/** A need together with who needs it, such as `step 'Train'` or `feature group 'churn'`. */
export interface AttributedNeed extends IamNeed {
  readonly neededBy: string;
}

/** A statement of an emitted policy, with the reasons and scopes the review page shows. */
export interface PolicyStatement {
  readonly sid: string;
  /** Sorted, without repeats. */
  readonly actions: readonly string[];
  /** Sorted, without repeats. */
  readonly resources: readonly string[];
  /** Operators and keys sorted; a single value as a string, several as a sorted list. */
  readonly conditions: IamConditions | undefined;
  readonly reasons: readonly string[];
  readonly neededBy: readonly string[];
  readonly scopes: readonly string[];
}

interface Draft {
  sid: string;
  actions: string[];
  resources: string[];
  conditions: IamConditions | undefined;
  reasons: string[];
  neededBy: string[];
  scopes: string[];
}

const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort();

function canonicalConditions(conditions: IamConditions | undefined): IamConditions | undefined {
  if (conditions === undefined || Object.keys(conditions).length === 0) {
    return undefined;
  }
  const result: Record<string, Record<string, string | string[]>> = {};
  for (const operator of Object.keys(conditions).sort()) {
    const block = conditions[operator] ?? {};
    const keys: Record<string, string | string[]> = {};
    for (const key of Object.keys(block).sort()) {
      const raw = block[key];
      const values = sortedUnique(typeof raw === 'string' ? [raw] : (raw ?? []));
      keys[key] = values.length === 1 ? (values[0] as string) : values;
    }
    result[operator] = keys;
  }
  return result;
}

const conditionId = (conditions: IamConditions | undefined): string => JSON.stringify(conditions ?? null);

/** Appends the values that `present` lacks, keeping their order; `present` mirrors `target`. */
function appendUnique(target: string[], present: Set<string>, values: readonly string[]): void {
  for (const value of values) {
    if (!present.has(value)) {
      present.add(value);
      target.push(value);
    }
  }
}

/** Sorts a draft's actions and resources without repeats and makes its conditions canonical, after a pass has merged into it. */
function normalizeDraft(draft: Draft): void {
  draft.actions = sortedUnique(draft.actions);
  draft.resources = sortedUnique(draft.resources);
  draft.conditions = canonicalConditions(draft.conditions);
}

/** Folds drafts with the same key into the first of them, keeping first-seen order. */
function mergeBy(drafts: Draft[], key: (draft: Draft) => string | undefined, combine: (into: Draft, from: Draft) => void): Draft[] {
  const kept: Draft[] = [];
  const byKey = new Map<string, Draft>();
  // What each draft that received a merge already lists, so merging thousands of needs stays linear.
  const listed = new Map<Draft, { reasons: Set<string>; neededBy: Set<string>; scopes: Set<string> }>();
  for (const draft of drafts) {
    const id = key(draft);
    const existing = id === undefined ? undefined : byKey.get(id);
    if (existing === undefined) {
      kept.push(draft);
      if (id !== undefined) {
        byKey.set(id, draft);
      }
      continue;
    }
    combine(existing, draft);
    let present = listed.get(existing);
    if (present === undefined) {
      present = { reasons: new Set(existing.reasons), neededBy: new Set(existing.neededBy), scopes: new Set(existing.scopes) };
      listed.set(existing, present);
    }
    appendUnique(existing.reasons, present.reasons, draft.reasons);
    appendUnique(existing.neededBy, present.neededBy, draft.neededBy);
    appendUnique(existing.scopes, present.scopes, draft.scopes);
  }
  return kept;
}

/** Returns `operator\0key` for a condition with exactly one operator and one key, else undefined. */
function singleConditionKey(conditions: IamConditions | undefined): string | undefined {
  const operators = Object.keys(conditions ?? {});
  if (conditions === undefined || operators.length !== 1) {
    return undefined;
  }
  const keys = Object.keys(conditions[operators[0] as string] ?? {});
  return keys.length === 1 ? `${operators[0]}\u0000${keys[0]}` : undefined;
}

/**
 * Turns the needs of one role into policy statements, deterministically. Needs are folded in
 * four passes, each keeping the first-seen order and the first need's Sid. The first pass folds
 * identical permissions whatever their Sid. The other passes fold only needs of one Sid, so every
 * statement keeps the meaning its Sid names. They fold, in turn, needs that differ only in the
 * values of their single condition key (such as `s3:prefix`), needs with the same actions and
 * conditions (joining resources), and needs with the same resources and conditions (joining
 * actions). Sids that still repeat get a number.
 */
export function buildStatements(needs: readonly AttributedNeed[]): PolicyStatement[] {
  let drafts: Draft[] = needs.map((need) => ({
    sid: need.sid,
    actions: sortedUnique(need.actions),
    resources: sortedUnique(need.resources),
    conditions: canonicalConditions(need.conditions),
    reasons: [need.reason],
    neededBy: [need.neededBy],
    scopes: need.scope === undefined ? [] : [need.scope],
  }));

  drafts = mergeBy(drafts, (draft) => `${draft.actions.join()}|${draft.resources.join()}|${conditionId(draft.conditions)}`, () => undefined);

  drafts = mergeBy(
    drafts,
    (draft) => {
      const single = singleConditionKey(draft.conditions);
      return single === undefined ? undefined : `${draft.sid}|${draft.actions.join()}|${draft.resources.join()}|${single}`;
    },
    (into, from) => {
      const [operator, key] = (singleConditionKey(into.conditions) as string).split('\u0000') as [string, string];
      const values = (conditions: IamConditions | undefined): readonly string[] => {
        const raw = conditions?.[operator]?.[key];
        return typeof raw === 'string' ? [raw] : (raw ?? []);
      };
      // Values are only collected here and made canonical once the pass is done, because
      // sorting after every merge is quadratic when thousands of steps share one statement.
      into.conditions = { [operator]: { [key]: [...values(into.conditions), ...values(from.conditions)] } };
    },
  );
  drafts.forEach(normalizeDraft);

  drafts = mergeBy(
    drafts,
    (draft) => `${draft.sid}|${draft.actions.join()}|${conditionId(draft.conditions)}`,
    (into, from) => {
      into.resources.push(...from.resources);
    },
  );
  drafts.forEach(normalizeDraft);

  drafts = mergeBy(
    drafts,
    (draft) => `${draft.sid}|${draft.resources.join()}|${conditionId(draft.conditions)}`,
    (into, from) => {
      into.actions.push(...from.actions);
    },
  );
  drafts.forEach(normalizeDraft);

  const used = new Map<string, number>();
  return drafts.map((draft) => {
    const count = (used.get(draft.sid) ?? 0) + 1;
    used.set(draft.sid, count);
    return {
      sid: count === 1 ? draft.sid : `${draft.sid}${count}`,
      actions: draft.actions,
      resources: draft.resources,
      conditions: draft.conditions,
      reasons: draft.reasons,
      neededBy: draft.neededBy,
      scopes: draft.scopes,
    };
  });
}

/** Renders statements as an identity policy document, keys in the order IAM's examples use. */
export function identityPolicyJson(statements: readonly PolicyStatement[]): JsonObject {
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement) => {
      const json: JsonObject = {
        Sid: statement.sid,
        Effect: 'Allow',
        Action: [...statement.actions],
        Resource: [...statement.resources],
      };
      if (statement.conditions !== undefined) {
        json['Condition'] = statement.conditions as JsonObject;
      }
      return json;
    }),
  };
}
