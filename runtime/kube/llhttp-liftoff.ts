/**
 * @module kube/llhttp-liftoff
 * Keeps undici's HTTP parser (llhttp, a WebAssembly module) on V8's baseline compiler. Left to
 * itself, V8 recompiles the parser's hot functions with its optimising compiler while a client
 * reads large answers, which holds ~30 MB of native memory for a moment: the peak of a process
 * listing 10,000 pods went from ~74 MB to ~105 MB for it, and listing was no faster (on two
 * cores the recompilation competes with the reads). V8 keeps one compiled module per wire
 * bytes: compiling undici's own bytes here, synchronously and with `--liftoff-only` set only
 * around that one call, makes the module undici compiles later this same baseline-only one.
 * Nothing else in the process is compiled while the flag is set. A process started with a
 * WebAssembly tiering flag of its own is left alone, and so is any undici whose files are laid out
 * differently (it then compiles its parser as usual).
 */
import { createRequire } from "node:module";

/** The WebAssembly global (the compiler options of this project have no DOM types). */
const wasm = (globalThis as { WebAssembly?: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;

/** The compiled parser, kept so V8 keeps it for undici's own compile of the same bytes. */
let pinned: object | undefined;
/** Whether the pin was tried (it is tried once, at the first connection, whatever came of it). */
let tried = false;

/** undici's choice of parser build (lib/dispatcher/client-h1.js `lazyllhttp`): SIMD unless told or unable. */
function candidates(): string[] {
  const plain = "undici/lib/llhttp/llhttp-wasm.js";
  if (process.env.JEST_WORKER_ID || process.env.UNDICI_NO_WASM_SIMD === "1" || process.arch === "ppc64") return [plain];
  return ["undici/lib/llhttp/llhttp_simd-wasm.js", plain];
}

/** Whether the process was started with a WebAssembly tiering flag (NODE_OPTIONS takes none): then V8's setting is the user's. */
function userChoseTiering(): boolean {
  return process.execArgv.some((arg) => arg.startsWith("--") && /liftoff|wasm[-_](dynamic[-_])?tier/.test(arg));
}

/**
 * Compile undici's parser baseline-only, once per process, before undici first connects.
 *
 * @example
 * pinLlhttpToLiftoff();
 * const { Pool } = await loadUndici();
 */
export function pinLlhttpToLiftoff(): void {
  if (tried) return;
  tried = true;
  if (!wasm || userChoseTiering()) return;
  const load = createRequire(import.meta.url);
  // node:v8 is required here, not imported: loading it costs ~2 MB of resident memory, which a
  // process that never connects to the API server should not pay.
  const { setFlagsFromString } = load("node:v8") as typeof import("node:v8");
  for (const file of candidates()) {
    let bytes: Buffer;
    try {
      bytes = load(file) as Buffer;
    } catch {
      return;
    }
    setFlagsFromString("--liftoff-only");
    try {
      pinned = new wasm.Module(bytes);
      return;
    } catch {
      // No SIMD here: undici falls back to the plain build, and so does this.
    } finally {
      setFlagsFromString("--no-liftoff-only");
    }
  }
}

/** Whether undici's parser was compiled here (for tests and diagnostics). */
export function llhttpPinned(): boolean {
  return pinned !== undefined;
}
