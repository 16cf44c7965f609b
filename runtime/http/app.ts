/**
 * @module http/app
 * Assembles the hono app from loaded functions: one route per path whose handler picks the
 * endpoint by method (so 405 with `Allow` comes for free and hono keeps its single-handler fast
 * path), the operations endpoints, JSON 404s, and the caller-auth checkers, metrics series and
 * secrets, all prepared once. Testable without a socket through `fetch`; on a socket, `listener`
 * serves routed requests without hono (see `listener.ts`) and hands the rest to it.
 */
import { getRequestListener } from "@hono/node-server";
import { Hono, type Context } from "hono";
import type { Logger } from "pino";
import type { LoadedFunction } from "../function.js";
import type { KubeClient } from "../kube/api.js";
import { ConfigError, DefinitionError } from "../errors.js";
import { Drain } from "../lifecycle.js";
import { Metrics } from "../metrics.js";
import { SecretMissingError, SecretStore } from "../secrets.js";
import { createAuthChecker, type ServiceAccountAuthOptions } from "./auth/index.js";
import { RESERVED_PATHS } from "../definition-schema.js";
import { accessLogWriter, type AccessLog } from "./access-log.js";
import { fetchRequest, toResponse } from "./exchange.js";
import { requestListener, type RequestListener } from "./listener.js";
import { operationEndpoints } from "./operations.js";
import { requestIdOf } from "./request-id.js";
import { jsonAnswer } from "./respond.js";
import { functionEndpoint, type Endpoint } from "./route.js";

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
  /** TokenReview cache of ServiceAccount auth. */
  serviceAccount?: ServiceAccountAuthOptions;
}

export interface HttpApp {
  app: Hono;
  /** Serve one request (tests call it directly). */
  fetch: (request: Request) => Promise<Response>;
  /** Serve requests on a Node HTTP server (what the server calls): the same answers as `fetch`. */
  listener: RequestListener;
  /** Fail readiness and refuse new function calls with 503 from now on. Idempotent. */
  beginShutdown(): void;
  /** The in-flight calls (settle it to drain). */
  drain: Drain;
  metrics: Metrics;
}

/**
 * Build the app. Throws `DefinitionError` for a route on a reserved path or two functions on the
 * same method and path, and `ConfigError` for a missing secret (unless `requireSecrets: false`).
 *
 * @example
 * const http = createHttpApp({ functions, kube, logger });
 * const response = await http.fetch(new Request("http://localhost/hello", { method: "POST" }));
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { kube, logger } = options;
  const drain = new Drain();
  const routed = options.functions.filter((fn) => fn.http);
  const metrics = new Metrics(
    routed.map((fn) => fn.name),
    {
      inflight: function inflight() {
        return drain.inflight;
      },
    },
  );
  const secrets = new SecretStore({ dir: options.secretsDir, env: options.env });
  const accessLog = accessLogWriter(logger);
  const shared = { drain, maxInflight: options.maxInflight ?? 64, kube, logger, accessLog };
  const paths = new Map<string, Map<string, Endpoint>>();
  for (const [path, endpoint] of Object.entries(operationEndpoints(drain, metrics))) paths.set(path, new Map([["GET", endpoint]]));

  for (const fn of routed) {
    const { method, path } = fn.http!;
    if (RESERVED_PATHS.includes(path)) throw new DefinitionError(fn.file, [`http.path ${path} is reserved for operations (${RESERVED_PATHS.join(", ")})`]);
    const methods = paths.get(path) ?? new Map<string, Endpoint>();
    if (methods.has(method)) throw new DefinitionError(fn.file, [`${fn.name}: another function already serves ${method} ${path}`]);
    const { checker, secret } = createAuthChecker(fn.http!.auth, { secrets, kube, serviceAccount: options.serviceAccount });
    if (secret) checkSecret(fn, secret.value.bind(secret), options.requireSecrets ?? true, logger);
    methods.set(method, functionEndpoint(fn, checker, metrics.function(fn.name)!, shared));
    paths.set(path, methods);
  }

  const app = new Hono();
  for (const [path, methods] of paths) app.all(path, byMethod(methods, accessLog));
  app.notFound(function notFound(c) {
    return unrouted(c, 404, { code: "not_found", message: `no function at ${c.req.path}` }, undefined, accessLog);
  });

  return {
    app,
    fetch: async function fetch(request) {
      return app.fetch(request);
    },
    listener: requestListener(paths, getRequestListener(app.fetch)),
    beginShutdown: function beginShutdown() {
      drain.begin();
    },
    drain,
    metrics,
  };
}

function checkSecret(fn: LoadedFunction, read: () => string, required: boolean, logger: Logger): void {
  try {
    read();
  } catch (error) {
    if (!(error instanceof SecretMissingError)) throw error;
    const message = `${fn.name}: caller auth ${error.message}`;
    if (required) throw new ConfigError(message);
    logger.warn({ fn: fn.name, secretName: error.secret, secretPath: error.path }, `${message}; its calls will answer 500`);
  }
}

/** The route of one path: the endpoint of the request's method (HEAD served by GET), else 405. */
function byMethod(methods: Map<string, Endpoint>, accessLog: AccessLog) {
  const allow = [...methods.keys(), ...(methods.has("GET") ? ["HEAD"] : [])].join(", ");
  return function route(c: Context): Response | Promise<Response> {
    const method = c.req.raw.method;
    const endpoint = methods.get(method) ?? (method === "HEAD" ? methods.get("GET") : undefined);
    if (endpoint) {
      const answer = endpoint(fetchRequest(c.req.raw, c.req.path));
      return answer instanceof Promise ? answer.then(toResponse) : toResponse(answer);
    }
    return unrouted(c, 405, { code: "method_not_allowed", message: `${method} is not allowed on ${c.req.path}: use ${allow}` }, { allow }, accessLog);
  };
}

function unrouted(c: Context, status: number, error: { code: string; message: string }, headers: Record<string, string> | undefined, accessLog: AccessLog): Response {
  const requestId = requestIdOf(c.req.raw.headers.get("x-request-id"));
  accessLog(c.req.raw.method, c.req.path, status, requestId);
  return toResponse(jsonAnswer(status, { error: { ...error, requestId } }, requestId, headers));
}
