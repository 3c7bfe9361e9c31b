/**
 * Decodes an `aws-chunked` body (SigV4 streaming uploads, signed or unsigned, with or without trailing
 * checksums) into the object's bytes. S3 does this server-side; s3rver does not and would store the
 * chunk framing inside the object.
 *
 * Format: `<hex-size>[;chunk-signature=...]\r\n<bytes>\r\n` repeated, ending with a zero-size chunk and
 * optional trailer lines.
 */
export function decodeAwsChunked(encoded: Uint8Array): Buffer {
  const input = Buffer.from(encoded);
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < input.length) {
    const lineEnd = input.indexOf('\r\n', offset, 'latin1');
    if (lineEnd < 0) throw new Error('aws-chunked: missing chunk header terminator');
    const header = input.toString('latin1', offset, lineEnd);
    const size = Number.parseInt(header.split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size < 0) throw new Error(`aws-chunked: bad chunk size "${header}"`);
    offset = lineEnd + 2;
    if (size === 0) break;
    parts.push(input.subarray(offset, offset + size));
    offset += size + 2;
  }
  return Buffer.concat(parts);
}
