/** An S3 location split into bucket and key. */
export interface S3Location {
  readonly bucket: string;
  /** The key or key prefix, without a leading slash; may be empty. */
  readonly key: string;
}

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** Splits `s3://bucket/key`; throws a TypeError naming the value when it is not an S3 URI. */
export function parseS3Uri(uri: string): S3Location {
  const match = S3_URI.exec(uri);
  if (match === null) {
    throw new TypeError(`'${uri}' is not an S3 URI of the form s3://bucket/key`);
  }
  return { bucket: match[1] as string, key: match[2] ?? '' };
}

/** Joins a key prefix and a relative key with exactly one slash between them. */
export function joinKey(prefix: string, key: string): string {
  const head = prefix.replace(/\/+$/, '');
  const tail = key.replace(/^\/+/, '');
  return head === '' ? tail : `${head}/${tail}`;
}
