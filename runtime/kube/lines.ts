/**
 * @module kube/lines
 * Splits a byte stream into text lines, decoding UTF-8 across chunk boundaries: the framing of
 * watch streams (one JSON object per line) and of followed pod logs.
 */

/**
 * Yields each line of `body` without its `\n` (or `\r\n`); a last line without a newline is
 * yielded too. `onChunk` is called for every chunk received (the watch's liveness signal).
 *
 * @example
 * for await (const line of readLines(response.body)) console.log(line);
 */
export async function* readLines(body: AsyncIterable<Uint8Array | string>, onChunk?: () => void): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of body) {
    onChunk?.();
    buffered += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      yield line.endsWith("\r") ? line.slice(0, -1) : line;
    }
  }
  buffered += decoder.decode();
  if (buffered) yield buffered;
}
