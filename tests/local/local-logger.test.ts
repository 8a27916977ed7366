import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLocalLogger, formatLogLine } from '../../cli/local/logger.js';

/** Returns a stream that keeps what is written, as a terminal (`isTTY`) or as a pipe. */
function memoryStream(isTTY: boolean): { isTTY: boolean; text: string; write(chunk: string): boolean } {
  return {
    isTTY,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

test('terminal lines are readable', () => {
  const stream = memoryStream(true);
  const logger = createLocalLogger({ SAGEPIPE_LOG_LEVEL: 'info' }, stream);
  logger.info({ step: 'Ingest', lines: 2, table: 'db.raw' }, 'source lines were rejected');
  logger.warn({ subject: 'Run failed: see report', ok: false }, 'notification logged');
  assert.is(
    stream.text,
    '\r\u001b[Kinfo: source lines were rejected step=Ingest lines=2 table=db.raw\n' + '\r\u001b[Kwarn: notification logged subject="Run failed: see report" ok=false\n',
  );
});

test('pipe lines stay json', () => {
  const stream = memoryStream(false);
  const logger = createLocalLogger({ SAGEPIPE_LOG_LEVEL: 'info' }, stream);
  logger.info({ step: 'Ingest' }, 'ingest started');
  const entry = JSON.parse(stream.text) as Record<string, unknown>;
  assert.is(entry['level'], 30);
  assert.is(entry['msg'], 'ingest started');
  assert.is(entry['step'], 'Ingest');
});

test('default level hides info', () => {
  const stream = memoryStream(true);
  const logger = createLocalLogger({}, stream);
  logger.info({}, 'ingest started');
  logger.warn({}, 'removing the temporary run files failed');
  assert.is(stream.text, '\r\u001b[Kwarn: removing the temporary run files failed\n');
});

test('format shows error message', () => {
  const line = JSON.stringify({ level: 50, time: 1, err: { type: 'Error', message: 'disk full', stack: 'Error: disk full\n    at write' }, msg: 'closing an output file failed' });
  assert.is(formatLogLine(line), 'error: closing an output file failed err="disk full"\n');
});

test('format shows stack at debug', () => {
  const line = JSON.stringify({ level: 20, err: { message: 'boom', stack: 'Error: boom\n    at run' }, msg: 'ingest failure details' });
  assert.is(formatLogLine(line), 'debug: ingest failure details err=boom\n    Error: boom\n        at run\n');
});

test('format quotes objects and empties', () => {
  const line = JSON.stringify({ level: 30, counts: { read: 2 }, empty: '', eq: 'a=b', msg: 'records written' });
  assert.is(formatLogLine(line), 'info: records written counts={"read":2} empty="" eq="a=b"\n');
});

test.run();
