/**
 * Entry point of the runtime bundle (`node ingest.mjs --config <file>`). The main module is
 * imported dynamically, so esbuild evaluates it lazily and an error while it loads is caught
 * here instead of killing the process before anything can report it.
 */
try {
  const { main } = await import('./main.js');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`sagepipe ingest failed before it started: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}
