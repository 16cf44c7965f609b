/**
 * Helpers of the HTTP adapter tests: LoadedFunction objects shaped like the loader's, a kube
 * client double with only what the adapter uses (`with`, `tokenReview`, `namespace`), a logger
 * whose every line is captured, an app factory, and a server on a free port for its listener.
 */
import { z } from "zod";
import type { TokenReviewStatus } from "kubernetes-types/authentication/v1.js";
import { defineFunction, type FunctionDefinition, type HttpAuth, type HttpMethod, type LoadedFunction } from "../../runtime/function.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { createLogger, type Logger } from "../../runtime/log.js";
import { createHttpApp, type HttpAppOptions } from "../../runtime/http/index.js";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

export interface FnSpec<S extends z.ZodType> extends Omit<FunctionDefinition<S, unknown>, "http"> {
  method?: HttpMethod;
  path?: string;
  auth?: HttpAuth;
  bodyLimitBytes?: number;
  bodyTimeoutMs?: number;
  async?: boolean;
  maxInflight?: number;
}

/** A LoadedFunction as the loader resolves it (defaults: POST `/<name>`, 1 MiB, 10 s to send it, `auth: "none"`, not `async`, 30 s). */
export function loaded<S extends z.ZodType = z.ZodObject<{}>>(spec: FnSpec<S>): LoadedFunction {
  const { method, path, auth, bodyLimitBytes, bodyTimeoutMs, async, maxInflight, ...definition } = spec;
  const http = { method: method ?? "POST", path: path ?? `/${spec.name}`, auth: auth ?? "none", bodyLimitBytes: bodyLimitBytes ?? 1024 * 1024, bodyTimeoutMs: bodyTimeoutMs ?? 10_000, ...(async ? { async } : {}), ...(maxInflight !== undefined ? { maxInflight } : {}) };
  return {
    definition: defineFunction({ ...definition, http }) as unknown as LoadedFunction["definition"],
    file: `functions/${spec.name}.ts`,
    name: spec.name,
    input: spec.input ?? z.object({}),
    timeoutMs: spec.timeoutMs ?? 30_000,
    permissions: [],
    egress: [],
    env: spec.env ?? [],
    secrets: [],
    http,
    schedules: [],
    watches: [],
  };
}

export interface FakeKube {
  kube: KubeClient;
  /** Tokens reviewed, in order (tests only; the adapter must never log them). */
  reviewed: string[];
  /** `dryRun` of each view made by `with()`. */
  views: { dryRun?: boolean }[];
}

/** A kube client double: `tokenReview` answers from `tokens` (token → username). */
export function fakeKube(tokens: Record<string, string> = {}): FakeKube {
  const state: FakeKube = { kube: undefined as unknown as KubeClient, reviewed: [], views: [] };
  const kube = {
    namespace: "team-a",
    with(options: { dryRun?: boolean }) {
      state.views.push({ dryRun: options.dryRun });
      return kube;
    },
    async tokenReview(token: string): Promise<TokenReviewStatus> {
      state.reviewed.push(token);
      const username = tokens[token];
      return username ? { authenticated: true, user: { username } } : { authenticated: false, error: "invalid bearer token" };
    },
  };
  state.kube = kube as unknown as KubeClient;
  return state;
}

/** A logger writing every line (debug and up) into `lines`. */
export function captureLogger(): { logger: Logger; lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** An app over `functions` with a captured logger and a fake kube. */
export function testApp(functions: LoadedFunction[], options: Partial<HttpAppOptions> = {}) {
  const log = captureLogger();
  const fake = fakeKube();
  const http = createHttpApp({ functions, kube: fake.kube, logger: log.logger, secretsDir: "/nonexistent", ...options });
  return { ...http, ...log, fake };
}

/** A request to the app's origin. */
export function req(path: string, init: RequestInit = {}): Request {
  return new Request(`http://podfn.test${path}`, init);
}

/** A POST with a JSON body. */
export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return req(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
}

/** A promise and the functions that settle it, to hold a handler until the test lets it go. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export { until } from "../helpers/until.js";

/** A Node server on 127.0.0.1 serving `listener` (an app's socket listener), on a free port. */
export async function listenOn(listener: RequestListener, clientError?: (error: Error, socket: Duplex) => void): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer(listener);
  if (clientError) server.on("clientError", clientError);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      // A failing case can leave a connection open: it may not keep the run alive.
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
