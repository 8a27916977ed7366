/**
 * The read stage of an ingest: streams the source, cleans each row into a record or a rejected
 * row, and rejects the source lines that could not be parsed into rows.
 */
import { formatEventTime } from './clean/event-time.js';
import { RowCleaner } from './clean/row-cleaner.js';
import type { DuplicateResolver } from './dedupe.js';
import type { IngestConfig } from './ingest-config.js';
import { type IngestPorts, type LineWriter, SourceColumnsNotFoundError } from './ports.js';
import { type IngestTally, writeRejectedRow, writeUnparsedLine } from './report-writer.js';

export interface ReadState {
  readonly tally: IngestTally;
  readonly resolver: DuplicateResolver;
  readonly rejects: LineWriter;
  readonly startedAt: Date;
  readonly progress: () => void;
}

/**
 * Streams the source batch by batch, cleaning each row; nothing but the resolver keeps rows.
 * Lines the source could not parse count as read and rejected. Throws an Error whose message
 * names the features when the source table lacks columns they read.
 */
export async function readAndClean(config: IngestConfig, ports: IngestPorts, state: ReadState): Promise<void> {
  const eventTimeFeature = config.features.find((feature) => feature.name === config.featureGroup.eventTimeFeatureName);
  const ingestTime =
    config.eventTime.from === 'ingest-time' ? formatEventTime(state.startedAt.getTime(), eventTimeFeature?.type ?? 'String') : undefined;
  let cleaner: RowCleaner | undefined;
  try {
    for await (const batch of ports.source.read(config.source, config.batchSize)) {
      cleaner ??= new RowCleaner(config, batch.columns, ingestTime);
      for (const row of batch.rows) {
        state.tally.read += 1;
        const cleaned = cleaner.clean(row, state.tally.read);
        if (cleaned.kind === 'rejected') {
          state.tally.countRejected(cleaned.rejected);
          await writeRejectedRow(state.rejects, cleaned.rejected);
        } else {
          state.tally.countMissing(cleaned.missingFeatures);
          await state.resolver.add(cleaned.record, state.tally.read);
        }
      }
      state.progress();
    }
    await rejectUnparsedLines(ports, state);
  } catch (error) {
    if (error instanceof SourceColumnsNotFoundError) {
      throw new Error(describeMissingColumns(config, error), { cause: error });
    }
    throw error;
  } finally {
    await ports.source.close?.();
  }
}

async function rejectUnparsedLines(ports: IngestPorts, state: ReadState): Promise<void> {
  const lines = ports.source.unparsedLines?.();
  if (lines === undefined) {
    return;
  }
  let count = 0;
  for await (const line of lines) {
    state.tally.countUnparsedLine();
    await writeUnparsedLine(state.rejects, line);
    count += 1;
  }
  if (count > 0) {
    ports.logger.info({ lines: count }, 'source lines that could not be parsed were rejected');
    state.progress();
  }
}

/**
 * Describes missing source columns: each with the features that read it, the columns the table
 * does have, and the fix.
 */
export function describeMissingColumns(config: IngestConfig, error: SourceColumnsNotFoundError): string {
  const described = error.missingColumns.map((column) => {
    const features = config.features.filter((feature) => feature.sourceColumn.toLowerCase() === column.toLowerCase()).map((feature) => `'${feature.name}'`);
    return features.length === 0 ? `'${column}'` : `'${column}' (feature ${features.join(', feature ')})`;
  });
  const single = described.length === 1;
  const subject = single ? `column ${described[0]} is` : `columns ${described.join(', ')} are`;
  const tableColumns = error.tableColumns.length === 0 ? 'no columns' : error.tableColumns.map((column) => `'${column}'`).join(', ');
  const fix = single
    ? 'Add the column to the table, or map the feature to an existing column with .from("column")'
    : 'Add the columns to the table, or map each feature to an existing column with .from("column")';
  return `${subject} not in the source table ${error.table}; the table has: ${tableColumns}. ${fix}`;
}
