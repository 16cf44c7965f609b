/**
 * @module cluster/health
 * The API server's health endpoints as k8s.io/apiserver's healthz handlers answer them:
 * `/healthz`, `/livez` and `/readyz` say `ok`, or with `?verbose` each check (`[+]ping ok`...,
 * `[+]NAME excluded: ok` for one named by `?exclude=NAME`, a warning for an exclude matching
 * none) and `livez check passed`; `/readyz/ping`, `/livez/etcd`, `/healthz/log`... answer one
 * check's `ok`. Every check passes. The checks are the server's own (ping, log, etcd; readyz
 * adds etcd-readiness, informer-sync and shutdown); the post-start hooks a real server also lists
 * (`poststarthook/...`) are not.
 */
import type { Reply } from "./call.js";

const LIVE = ["ping", "log", "etcd"];
const CHECKS: Record<string, string[]> = {
  healthz: LIVE,
  livez: LIVE,
  readyz: [...LIVE, "etcd-readiness", "informer-sync", "shutdown"],
};

const text = (body: string): Reply => ({ status: 200, body, contentType: "text/plain; charset=utf-8", headers: { "X-Content-Type-Options": "nosniff" } });

/** The answer to a health path (`/readyz`, `/readyz/ping`...), or undefined for any other path. */
export function serveHealth(path: string, query: URLSearchParams): Reply | undefined {
  const [endpoint, check, ...rest] = path.split("/").filter(Boolean);
  const checks = CHECKS[endpoint ?? ""];
  if (!checks || rest.length) return undefined;
  if (check !== undefined) return checks.includes(check) ? text("ok") : undefined;
  if (!query.has("verbose")) return text("ok");
  const excluded = new Set(query.getAll("exclude"));
  let out = "";
  for (const name of checks) {
    out += excluded.delete(name) ? `[+]${name} excluded: ok\n` : `[+]${name} ok\n`;
  }
  if (excluded.size) out += `warn: some health checks cannot be excluded: no matches for ${[...excluded].map((n) => JSON.stringify(n)).join(",")}\n`;
  return text(`${out}${endpoint} check passed\n`);
}
