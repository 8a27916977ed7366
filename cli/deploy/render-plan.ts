/**
 * Renders a deploy plan for people (one line per resource, with the changed fields beneath) and
 * as JSON data for `--json`.
 */
import { type FeatureGroupDifferenceKind, formatDifference } from '../../runtime/feature-group-schema.js';
import type { FieldChange } from './json-diff.js';
import { type DeployPlan, type FeatureGroupPlan, planHasChanges, planIsBlocked, type ResourcePlan } from './plan.js';

const SYMBOLS = { create: '+', update: '~', unchanged: '=', conflict: '!' } as const;
const CHANGE_SYMBOLS = { added: '+', removed: '-', changed: '~' } as const;
const MAX_VALUE_TEXT = 120;

/** Renders the plan as text: a header, one line per resource, changed fields indented, then a summary. */
export function renderPlan(plan: DeployPlan): string {
  const lines = [`Plan for pipeline ${plan.pipelineName} in ${plan.region}:`, ''];
  for (const resource of plan.resources) {
    lines.push(`  ${SYMBOLS[resource.action]} ${resourceLine(resource)}`);
    lines.push(...detailLines(resource).map((line) => `      ${line}`));
  }
  if (plan.placeholders.length > 0) {
    lines.push('', 'Placeholder values (upsert refuses to deploy until they are replaced):');
    lines.push(...plan.placeholders.map((placeholder) => `  ${placeholder.path}: ${JSON.stringify(placeholder.value)}`));
  }
  const { create, update, unchanged, conflict } = plan.counts;
  lines.push('', `Summary: ${create} to create, ${update} to update, ${unchanged} unchanged, ${conflict} in conflict.`);
  if (!planHasChanges(plan) && !planIsBlocked(plan)) {
    lines.push('Everything is up to date.');
  }
  return `${lines.join('\n')}\n`;
}

/** Returns the plan as data, with the two conclusions a CI job checks. */
export function planToJson(plan: DeployPlan): Record<string, unknown> {
  return { ...plan, hasChanges: planHasChanges(plan), blocked: planIsBlocked(plan) };
}

function resourceLine(resource: ResourcePlan): string {
  switch (resource.kind) {
    case 'asset':
      return `asset          ${resource.s3Uri} (${formatBytes(resource.bytes)})${resource.reason !== undefined ? `: ${resource.reason}` : ''}`;
    case 'feature-group': {
      const status = resource.status !== undefined && resource.status !== 'Created' ? ` (${resource.status})` : '';
      return `feature group  ${resource.name}${status}${resource.reason !== undefined ? `: ${resource.reason}` : ''}`;
    }
    case 'pipeline':
      return `pipeline       ${resource.name}${resource.definitionVia === 's3' ? ' (definition through S3)' : ''}`;
  }
}

function detailLines(resource: ResourcePlan): string[] {
  switch (resource.kind) {
    case 'asset':
      return [];
    case 'feature-group':
      return resource.differences.map((difference) => `${formatDifference(difference)}${differenceNote(difference.kind, resource.action)}`);
    case 'pipeline':
      return [
        ...resource.settingChanges.map(formatChange),
        ...resource.definitionChanges.map(formatChange),
        ...resource.tagsToAdd.map((tag) => `~ tag ${tag.Key}: ${formatValue(tag.Value)}`),
      ];
  }
}

function differenceNote(kind: FeatureGroupDifferenceKind, action: FeatureGroupPlan['action']): string {
  if (kind === 'feature-missing') {
    return action === 'update' ? ' (added by upsert)' : ' (can be added with --add-features)';
  }
  return kind === 'feature-unexpected' ? ' (records leave it out)' : '';
}

/** Formats a field change: `~ path: before -> after`, `+ path: after`, or `- path`. */
export function formatChange(change: FieldChange): string {
  const symbol = CHANGE_SYMBOLS[change.change];
  switch (change.change) {
    case 'added':
      return `${symbol} ${change.path}: ${formatValue(change.after)}`;
    case 'removed':
      return `${symbol} ${change.path}`;
    case 'changed':
      return `${symbol} ${change.path}: ${formatValue(change.before)} -> ${formatValue(change.after)}`;
  }
}

function formatValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT - 1)}…` : text;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
