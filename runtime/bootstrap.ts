/**
 * Entry point of the runtime bundle (`node ingest.mjs --config <file>`). The main module is
 * imported dynamically, so esbuild evaluates it lazily and an error while it loads is caught
 * here instead of killing the process before anything can report it. Such an error is logged
 * as a JSON line and notified by SNS from the step's environment.
 */
try {
  const { main } = await import('./main.js');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.exitCode = 1;
  writeJsonLine('error', 'the ingest runtime failed before it started', { err: { type: (error as Error)?.name, message: (error as Error)?.message ?? String(error) } });
  try {
    const { createRuntimeLogger } = await import('./logger.js');
    const { notifyStartupFailure, readStartupContext } = await import('./startup-failure.js');
    await notifyStartupFailure(error, readStartupContext(process.env), createRuntimeLogger());
  } catch (notifyError) {
    // The notifier's own modules did not load either; the line above already recorded the cause.
    writeJsonLine('error', 'the failure notification could not be sent', { err: { message: (notifyError as Error)?.message ?? String(notifyError) } });
  }
}

/** Writes a log line in pino's shape without pino, which may be what failed to load. */
function writeJsonLine(level: 'error', message: string, data: object): void {
  process.stdout.write(`${JSON.stringify({ level: 50, levelName: level, time: new Date().toISOString(), component: 'sagepipe-ingest', ...data, msg: message })}\n`);
}
