/**
 * @module kube/response-body
 * Reading an API server's answer: a body collected into a reusable buffer (the list path reads
 * megabytes per call without a new allocation each time), and an error body parsed as JSON when
 * it is (a Status), else kept as text.
 */

/** The JSON of an answer's body, or the text itself when it is not JSON (a proxy's HTML page). */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The most a Content-Length reserves before any byte arrives: past it the buffer grows with the body. */
const MAX_RESERVE_BYTES = 16 * 1024 * 1024;

/** Reads a body into `scratch.buffer` (`length` bytes expected, 0 if unknown), growing it as needed. */
export async function collect(body: AsyncIterable<Buffer>, scratch: { buffer: Buffer }, length: number): Promise<Buffer> {
  // A claimed length is not trusted with memory: an absurd one would throw (or reserve gigabytes) before reading.
  const reserve = Math.min(length, MAX_RESERVE_BYTES);
  if (scratch.buffer.length < reserve) scratch.buffer = Buffer.allocUnsafeSlow(reserve);
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > scratch.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * scratch.buffer.length, size + chunk.length, 65_536));
      scratch.buffer.copy(grown, 0, 0, size);
      scratch.buffer = grown;
    }
    chunk.copy(scratch.buffer, size);
    size += chunk.length;
  }
  return scratch.buffer.subarray(0, size);
}
