/** File paths as the CLI prints them. */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Returns `path` relative to `cwd` when it lies inside it (`.` for `cwd` itself), else the
 * absolute path, so that no printed path climbs out of the working folder with `..`.
 */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const absolute = resolve(cwd, path);
  const relativePath = relative(cwd, absolute);
  if (relativePath === '') {
    return '.';
  }
  if (relativePath === '..' || relativePath.startsWith(`..${sep}`) || isAbsolute(relativePath)) {
    return absolute;
  }
  return relativePath;
}

/** Returns `path` for a shell command line: as it is when it holds only safe characters, else single-quoted. */
export function shellPath(path: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}
