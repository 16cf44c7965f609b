/**
 * @module cluster/faults
 * Test instruments of the emulated server: injected faults (`inject`: answer a status such as
 * 429 with `Retry-After`, delay, or drop the connection, for requests matching verb, resource,
 * namespace, name and user, a number of `times`), the log of every request (`requests`), and
 * per identity the access decisions the authorizer made (`access(username)`).
 */
import type { RequestAttributes } from "./auth/index.js";

/** Which requests a fault applies to; every given field must match. */
export interface FaultMatch {
  /** Kubernetes verb (`get`, `list`, `watch`, `create`, ...) or lowercased method for non-resource paths. */
  verb?: string;
  /** Plural resource, optionally with subresource (`pods`, `deployments/scale`). */
  resource?: string;
  namespace?: string;
  name?: string;
  /** Username, e.g. `system:serviceaccount:default:robot` or `system:admin`. */
  user?: string;
}

/** A fault to inject. */
export interface FaultRule {
  match?: FaultMatch;
  /** Answer with this HTTP status and a proper Status body (reason and message of the code). */
  status?: number;
  /** With `status`: the `Retry-After` header (and `details.retryAfterSeconds`), in seconds. */
  retryAfterSeconds?: number;
  /** Wait this long (milliseconds) before answering (or before the fault's status). */
  delayMs?: number;
  /** Destroy the connection without answering. */
  dropConnection?: boolean;
  /** How many matching requests the fault applies to. Default: unlimited. */
  times?: number;
}

/** One served request, as `cluster.requests` lists it. */
export interface RequestRecord {
  user: string;
  verb: string;
  /** Path with query. */
  path: string;
  method: string;
  /** The status answered; 0 when the connection was dropped. */
  status: number;
  resource: string;
  namespace: string;
  name: string;
  /** Milliseconds since the epoch (the cluster's clock). */
  at: number;
}

/** One authorization decision, as `cluster.access(username)` lists it. */
export interface AccessRecord {
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  /** The object name, when the request named one. */
  name: string;
  /** For non-resource requests: the path. */
  path: string;
  allowed: boolean;
}

interface ActiveFault {
  rule: FaultRule;
  remaining: number;
}

/** Most request records kept (oldest dropped first). */
const MAX_RECORDS = 10_000;

/** Faults, request log and access records of one server. */
export class Instruments {
  readonly #faults: ActiveFault[] = [];
  readonly requests: RequestRecord[] = [];
  readonly #access = new Map<string, Map<string, AccessRecord>>();

  /** Adds a fault; returns the function that removes it. */
  inject(rule: FaultRule): () => void {
    const active: ActiveFault = { rule, remaining: rule.times ?? Infinity };
    this.#faults.push(active);
    const faults = this.#faults;
    return function removeFault() {
      const i = faults.indexOf(active);
      if (i >= 0) faults.splice(i, 1);
    };
  }

  /** The first fault matching the request (and counts it), if any. */
  take(attrs: RequestAttributes): FaultRule | undefined {
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    for (const f of this.#faults) {
      const m = f.rule.match ?? {};
      if (m.verb !== undefined && m.verb !== attrs.verb) continue;
      if (m.resource !== undefined && m.resource !== resource && m.resource !== attrs.resource) continue;
      if (m.namespace !== undefined && m.namespace !== attrs.namespace) continue;
      if (m.name !== undefined && m.name !== attrs.name) continue;
      if (m.user !== undefined && m.user !== attrs.user.username) continue;
      f.remaining--;
      if (f.remaining <= 0) this.#faults.splice(this.#faults.indexOf(f), 1);
      return f.rule;
    }
    return undefined;
  }

  record(entry: RequestRecord): void {
    this.requests.push(entry);
    if (this.requests.length > MAX_RECORDS) this.requests.splice(0, this.requests.length - MAX_RECORDS);
  }

  recordAccess(attrs: RequestAttributes, allowed: boolean): void {
    const a: AccessRecord = {
      verb: attrs.verb,
      group: attrs.apiGroup,
      resource: attrs.resource,
      subresource: attrs.subresource,
      namespace: attrs.namespace,
      name: attrs.name,
      path: attrs.resourceRequest ? "" : attrs.path,
      allowed,
    };
    const key = JSON.stringify(a);
    let mine = this.#access.get(attrs.user.username);
    if (!mine) this.#access.set(attrs.user.username, (mine = new Map()));
    if (!mine.has(key)) mine.set(key, a);
  }

  /** Distinct decisions for `username`, in first-seen order. */
  access(username: string): AccessRecord[] {
    return [...(this.#access.get(username)?.values() ?? [])];
  }
}
