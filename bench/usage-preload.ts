/**
 * Loaded with `node --import` into a measured child process. When the process exits, it writes
 * the process's resource usage as JSON to the file named by SAGEPIPE_BENCH_USAGE_FILE, so the
 * parent can read the peak RSS of a command it did not write itself.
 */
import { writeFileSync } from 'node:fs';

const target = process.env['SAGEPIPE_BENCH_USAGE_FILE'];

if (target !== undefined && target !== '') {
  process.on('exit', (code) => {
    const usage = process.resourceUsage();
    // maxRSS is in kibibytes on Linux and macOS.
    writeFileSync(target, JSON.stringify({ exitCode: code, maxRssKiB: usage.maxRSS, userCpuMicros: usage.userCPUTime, systemCpuMicros: usage.systemCPUTime }));
  });
}
