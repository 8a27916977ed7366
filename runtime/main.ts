// TODO: wire the AWS adapters and runIngest; this placeholder only lets the bundle build.
export async function main(argv: readonly string[]): Promise<number> {
  throw new Error(`the ingest runtime is not implemented yet (arguments: ${argv.join(' ')})`);
}
