/**
 * @module http/app
 * Assembles the hono app from loaded functions: one route per path whose handler picks the
 * endpoint by method (so 405 with `Allow` comes for free and hono keeps its single-handler fast
 * path), the operations endpoints, JSON 404s, and the caller-auth checkers, metrics series and
 * secrets, all prepared once. Testable without a socket through `fetch`; on a socket, `listener`
 * serves routed requests without hono (see `listener.ts`) and hands the rest to it. The hono
 * side (`hono-app.ts`) is imported and built on first use: a server whose requests all take the
 * fast path never loads hono, @hono/node-server or Node's fetch classes (~25 ms and ~9 MB).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { LoadedFunction } from "../function.js";
import type { KubeClient } from "../kube/api.js";
import { ConfigError, DefinitionError } from "../errors.js";
import { Drain } from "../lifecycle.js";
import { Metrics } from "../metrics.js";
import { SecretMissingError, SecretStore } from "../secrets.js";
import { createAuthChecker, type ServiceAccountAuthOptions } from "./auth/index.js";
import { RESERVED_PATHS } from "../definition-schema.js";
import { accessLogWriter } from "./access-log.js";
import type { HonoFallback } from "./hono-app.js";
import { refuseVersion, requestListener, serveEndpoint, type FaultHandler, type RequestListener } from "./listener.js";
import { writeAnswer } from "./exchange.js";
import { requestIdOfHeader } from "./request-id.js";
import { internalErrorAnswer, jsonAnswer } from "./respond.js";
import { operationEndpoints } from "./operations.js";
import { functionEndpoint, type Endpoint } from "./route.js";
import type { BackgroundCallEndHook } from "./background.js";

export interface HttpAppOptions {
  /** The loaded functions; those without `http` get no route. */
  functions: LoadedFunction[];
  /** Used for every call (`ctx.kube`) and for ServiceAccount caller auth (TokenReview). */
  kube: KubeClient;
  logger: Logger;
  /** Function calls in flight before answering 429. Default 64. */
  maxInflight?: number;
  /** Folder of caller-auth secrets, one file per secret name. Default `/var/run/secrets/podfn`. */
  secretsDir?: string;
  /** Environment for bearer secrets read from a variable (`auth.env`). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Refuse to start (throw `ConfigError`) when a secret a function references is missing or
   * empty. When false, a warning is logged at startup and those calls answer 500. Default true.
   */
  requireSecrets?: boolean;
  /** A last line for that refusal: how to provide the secrets here (`serve` outside a pod says how). */
  missingSecretsHint?: string;
  /** TokenReview cache of ServiceAccount auth. */
  serviceAccount?: ServiceAccountAuthOptions;
  /** More series for `GET /metrics` (the watch calls'). */
  metricsSections?: ReadonlyArray<{ render(out: string[]): void }>;
  /**
   * Serve `/healthz`, `/readyz` and `/metrics` on `operations` only (the admin port), not beside
   * the functions, where a Service or an Ingress exposes them to callers. Default false.
   */
  operationsApart?: boolean;
  /**
   * Told of each `http.async` call's end, after it is logged: its request id, status, and what it
   * threw. The test harness's (`podfn/testing`), so a failed call ends a pending `until()`; not set by serve.
   */
  onBackgroundCallEnd?: BackgroundCallEndHook;
}

export interface HttpApp {
  /** Serve one request (tests call it directly). */
  fetch: (request: Request) => Promise<Response>;
  /** Serve requests on a Node HTTP server (what the server calls): the same answers as `fetch`. */
  listener: RequestListener;
  /** With `operationsApart`: the listener of the admin port, the operations endpoints and JSON 404s. */
  operations?: RequestListener;
  /** Fail readiness from now on, still serving calls (the shutdown delay). Idempotent. */
  failReadiness(): void;
  /** Fail readiness and refuse new function calls with 503 from now on. Idempotent. */
  beginShutdown(): void;
  /** The in-flight calls (settle it to drain). */
  drain: Drain;
  /** Request bodies being received before their call is admitted (HMAC and `auth: "none"` routes). */
  receiving(): number;
  metrics: Metrics;
}

/**
 * Build the app. Throws `DefinitionError` for a route on a reserved path or two functions on the
 * same method and path, and `ConfigError` naming every missing secret (unless `requireSecrets: false`).
 *
 * @example
 * const http = createHttpApp({ functions, kube, logger });
 * const response = await http.fetch(new Request("http://localhost/hello", { method: "POST" }));
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { kube, logger } = options;
  const drain = new Drain();
  const receiving = { count: 0 };
  const routed = options.functions.filter((fn) => fn.http);
  const metrics = new Metrics(
    routed.map((fn) => fn.name),
    {
      inflight: function inflight() {
        return drain.inflight;
      },
      receiving: function bodiesReceiving() {
        return receiving.count;
      },
      ...(options.metricsSections ? { sections: options.metricsSections } : {}),
    },
  );
  const secrets = new SecretStore({
    dir: options.secretsDir,
    env: options.env,
    onDoubt: function doubtfulSecret(secret, why) {
      logger.warn({ secret: secret.name, path: secret.path }, `caller-auth secret "${secret.name}" ${why}`);
    },
  });
  const accessLog = accessLogWriter(logger);
  const endpointFault = faultAnswerer(logger);
  const shared = { drain, receiving, maxInflight: options.maxInflight ?? 64, kube, logger, accessLog, ...(options.onBackgroundCallEnd ? { onBackgroundCallEnd: options.onBackgroundCallEnd } : {}) };
  const paths = new Map<string, Map<string, Endpoint>>();
  const readiness = { ready: true };
  const operationPaths = options.operationsApart ? new Map<string, Map<string, Endpoint>>() : paths;
  for (const [path, endpoint] of Object.entries(operationEndpoints(drain, metrics, readiness))) {
    // Apart, no hono serves HEAD from GET: the endpoint answers both (Node drops a HEAD's body).
    operationPaths.set(path, new Map(options.operationsApart ? [["GET", endpoint], ["HEAD", endpoint]] : [["GET", endpoint]]));
  }

  const missingSecrets: MissingSecret[] = [];
  for (const fn of routed) {
    const { method, path } = fn.http!;
    if (RESERVED_PATHS.includes(path)) throw new DefinitionError(fn.file, [`http.path ${path} is reserved for operations (${RESERVED_PATHS.join(", ")})`]);
    const methods = paths.get(path) ?? new Map<string, Endpoint>();
    if (methods.has(method)) throw new DefinitionError(fn.file, [`${fn.name}: another function already serves ${method} ${path}`]);
    const { checker, secret } = createAuthChecker(fn.http!.auth, { secrets, kube, serviceAccount: options.serviceAccount });
    const missing = secret ? checkSecret(fn, secret.value.bind(secret), options.requireSecrets ?? true, logger) : undefined;
    if (missing) missingSecrets.push(missing);
    methods.set(method, functionEndpoint(fn, checker, metrics.function(fn.name)!, shared));
    paths.set(path, methods);
  }
  if (missingSecrets.length > 0) throw missingSecretsError(missingSecrets, options.missingSecretsHint);

  let hono: Promise<HonoFallback> | undefined;
  function honoApp(): Promise<HonoFallback> {
    return (hono ??= import("./hono-app.js").then(function build(m) {
      return m.honoFallback(paths, accessLog, logger);
    }));
  }

  return {
    fetch: async function fetch(request) {
      return (await honoApp()).fetch(request);
    },
    listener: requestListener(paths, function fallback(incoming, outgoing) {
      honoApp().then(
        function serve(app) {
          app.listener(incoming, outgoing);
        },
        function unavailable(error: unknown) {
          logger.error({ err: error }, "HTTP fallback could not be loaded");
          if (!outgoing.headersSent) outgoing.writeHead(500).end();
        },
      );
    }, endpointFault, accessLog),
    ...(options.operationsApart ? { operations: operationsListener(operationPaths, endpointFault) } : {}),
    failReadiness: function failReadiness() {
      readiness.ready = false;
    },
    beginShutdown: function beginShutdown() {
      drain.begin();
    },
    drain,
    receiving: () => receiving.count,
    metrics,
  };
}

/**
 * The admin port's listener: its operations endpoints by path (whatever the `Host`: a probe of
 * an IPv6 pod names it in brackets), a JSON 405 for another method on one, a JSON 404 for the rest.
 */
function operationsListener(operationPaths: ReadonlyMap<string, ReadonlyMap<string, Endpoint>>, onFault: FaultHandler): RequestListener {
  return function operations(incoming, outgoing) {
    if (incoming.httpVersionMajor !== 1) {
      refuseVersion(incoming, outgoing, undefined);
      return;
    }
    const target = incoming.url ?? "";
    const q = target.indexOf("?");
    const path = q === -1 ? target : target.slice(0, q);
    const methods = operationPaths.get(path);
    const endpoint = methods?.get(incoming.method ?? "");
    if (endpoint) {
      serveEndpoint(endpoint, incoming, outgoing, path, q === -1 ? "" : target.slice(q + 1), onFault);
      return;
    }
    const requestId = requestIdOfHeader(incoming.headers["x-request-id"]);
    const error = methods
      ? jsonAnswer(405, { error: { code: "method_not_allowed", message: `${incoming.method} is not allowed on ${path}: use GET, HEAD`, requestId } }, requestId, { allow: "GET, HEAD" })
      : jsonAnswer(404, { error: { code: "not_found", message: `the admin port serves ${[...operationPaths.keys()].join(", ")} only`, requestId } }, requestId);
    writeAnswer(outgoing, error);
    incoming.resume();
  };
}

/**
 * An endpoint that threw (never by design: each answers its own faults): a 500 with a request
 * id, logged, as hono's `onError` answers on the other path.
 */
function faultAnswerer(logger: Logger): FaultHandler {
  return function endpointFault(error, incoming, outgoing) {
    const requestId = requestIdOfHeader(incoming.headers["x-request-id"]);
    try {
      logger.error({ requestId, err: error }, "request failed");
    } catch {
      // What was thrown cannot be logged: the answer still goes out.
    }
    if (outgoing.headersSent) outgoing.destroy();
    else writeAnswer(outgoing, internalErrorAnswer(requestId));
  };
}

/** A caller-auth secret a function references that is missing or empty: what to say, and whether it is a file. */
interface MissingSecret {
  message: string;
  file: boolean;
}

/**
 * Reads a function's caller-auth secret once. Missing or empty: returns it when secrets are
 * `required` (the app then refuses to start, naming every one), else logs a warning.
 */
function checkSecret(fn: LoadedFunction, read: () => string, required: boolean, logger: Logger): MissingSecret | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    if (!(error instanceof SecretMissingError)) throw error;
    const message = `${fn.name}: caller auth ${error.message}`;
    if (required) return { message, file: !error.path.startsWith("env:") };
    logger.warn({ fn: fn.name, secretName: error.secret, secretPath: error.path }, `${message}; its calls will answer 500`);
    return undefined;
  }
}

/**
 * The refusal to start without the caller-auth secrets: one line per function, then the hint
 * (about files: a secret read from a variable says which variable to set).
 */
function missingSecretsError(missing: MissingSecret[], hint: string | undefined): ConfigError {
  const messages = missing.map((m) => m.message);
  const head = messages.length === 1 ? messages[0]! : `caller-auth secrets are missing:\n  - ${messages.join("\n  - ")}`;
  return new ConfigError(hint && missing.some((m) => m.file) ? `${head}\n${hint}` : head);
}
