/**
 * @module test/watch/helpers
 * What the watch tests share: the emulated cluster's admin client for the file, running one
 * function's watches with their log lines and call counters at hand, and deploying a function
 * with its watch's rights narrowed (a refused watch).
 */
import { before, type TestContext } from "node:test";
import { clusterForFile } from "../helpers/cluster-clients.js";
import type { Role } from "kubernetes-types/rbac/v1.js";
import type { KubeClient, KubeObject } from "../../runtime/kube/api.js";
import { applyObjects } from "../../runtime/testing/apply.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { servingWorkloadName } from "../../runtime/deploy/names.js";
import type { FunctionDefinition, LoadedFunction, Trigger } from "../../runtime/function.js";
import { runWatches, type RunWatchesOptions } from "../../runtime/watch/watcher.js";
import { WatchCallMetrics } from "../../runtime/metrics.js";
import type { WatchClock } from "../../runtime/watch/watch-clock.js";
import { captureLogs, loaded } from "../schedule/helpers.js";
import { retryOnConflict } from "../../runtime/kube/retry.js";

/**
 * Another candidate takes Lease `leaseName` for a second: its leader loses it, then wins it back.
 * The leader renews it all along: a renewal between the read and the write is a 409, read again.
 */
export async function handLeaseToAnother(admin: KubeClient, leaseName: string): Promise<void> {
  await retryOnConflict(async () => {
    const lease = await admin.leases.get(leaseName);
    await admin.leases.replace({ ...lease, spec: { ...lease.spec, holderIdentity: "pod-b", leaseDurationSeconds: 1 } });
  });
}

/** The trigger of a watch call. */
export type Watched = Extract<Trigger, { type: "watch" }>;

/**
 * A function whose watch calls are recorded in `seen`, each as `record` describes it, before
 * `onCall` runs (what the test wants the call to do: throw, wait).
 */
export function watchRecorder<S>(definition: Omit<FunctionDefinition, "handler">, record: (trigger: Watched) => S, onCall?: (trigger: Watched) => Promise<void> | void): { fn: LoadedFunction; seen: S[] } {
  const seen: S[] = [];
  const fn = loaded({
    ...definition,
    async handler({ trigger }) {
      if (trigger.type !== "watch") throw new Error("not a watch call");
      seen.push(record(trigger));
      await onCall?.(trigger);
    },
  });
  return { fn, seen };
}

/**
 * The admin client of an emulated cluster the file starts (in its `before` hook) and stops.
 * Call it at the top of a test file; the getter inside tests.
 */
export function adminForFile(namespace = "default"): () => KubeClient {
  const { client } = clusterForFile(namespace);
  let admin: KubeClient | undefined;
  before(async () => {
    admin = await client();
  });
  return () => admin!;
}

/**
 * Runs `fn`'s watches as `kube` (with `options`), its log lines in `lines`; `counted()` gives
 * the `podfn_watch_calls_total` lines; `stop()` aborts them and waits for their calls.
 */
export function runWatched(fn: LoadedFunction, kube: KubeClient, options: Partial<Omit<RunWatchesOptions, "functions" | "kube" | "logger" | "metrics">> = {}) {
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const metrics = new WatchCallMetrics();
  const done = runWatches({ functions: [fn], kube, logger, metrics, ...options }, stop.signal);
  const counted = (): string[] => {
    const out: string[] = [];
    metrics.render(out);
    return out.filter((l) => l.startsWith("podfn_watch_calls_total{"));
  };
  return { lines, counted, done, stop: () => (stop.abort(), done) };
}

/**
 * Deploys `fn`'s generated manifests to the file's cluster with its watch rule's verbs set to
 * `verbs` (`["list"]`: a watch the server refuses), and gives the client of its serving
 * workload (the account that runs its watches) and `setVerbs` to change them later.
 */
export async function deployWithWatchVerbs(file: Pick<ReturnType<typeof clusterForFile>, "cluster" | "client">, fn: LoadedFunction, verbs: string[], namespace = "default") {
  const admin = await file.client();
  const generated = generateManifests([fn], { namespace }).flatMap((g) => g.objects);
  const role = generated.find((o) => o.kind === "Role") as Role;
  const watched = fn.watches[0]!.type.resource;
  const withVerbs = (v: string[]) => ({ ...role, rules: role.rules!.map((r) => (r.resources!.includes(watched) ? { ...r, verbs: v } : r)) });
  await applyObjects(admin, [...generated.filter((o) => o.kind !== "Role"), withVerbs(verbs)] as KubeObject[]);
  const kube = await file.client(await file.cluster().serviceAccount(namespace, servingWorkloadName("podfn", fn.workload)));
  return { kube, setVerbs: (v: string[]) => applyObjects(admin, [withVerbs(v)] as KubeObject[]) };
}

/**
 * `kube` whose resource clients send `method` (`patch`, `patchStatus`) through `wrap`, given the
 * real call and its arguments; every other member as it is. For counting or delaying writes.
 */
export function wrappingResourceMethod(kube: KubeClient, method: "patch" | "patchStatus", wrap: (send: (...args: unknown[]) => Promise<unknown>, args: unknown[]) => Promise<unknown>): KubeClient {
  return new Proxy(kube, {
    get(target, prop, receiver) {
      if (prop !== "resource") return Reflect.get(target, prop, receiver);
      return (type: Parameters<KubeClient["resource"]>[0]) => {
        const resource = target.resource(type);
        return new Proxy(resource, {
          get(r, p) {
            const value = Reflect.get(r, p, r) as unknown;
            if (p !== method) return typeof value === "function" ? value.bind(r) : value;
            const send = (value as (...args: unknown[]) => Promise<unknown>).bind(r);
            return (...args: unknown[]) => wrap(send, args);
          },
        });
      };
    },
  });
}

/**
 * `fns` deployed as the manifests would (`role` may change the serving workloads' Roles first),
 * each workload's watches run as its own ServiceAccount (of namespace `default`: `podfn-http`
 * for the functions naming no `workload`, `podfn-<workload>` for the others) through `wrap`, a
 * failed call retried after `retryDelayMs` (20), their timers and status pauses on `clock`
 * (default: the real one), stopped after the test, whatever happens.
 */
export async function deployed(t: TestContext, file: Pick<ReturnType<typeof clusterForFile>, "cluster" | "client">, fns: LoadedFunction[], options: { wrap?: (kube: KubeClient) => KubeClient; role?: (role: Role) => Role; retryDelayMs?: number; clock?: WatchClock } = {}) {
  const admin = await file.client();
  const objects = generateManifests(fns, { namespace: "default" }).flatMap((g) => g.objects);
  await applyObjects(admin, objects.map((o) => (o.kind === "Role" && options.role ? options.role(o as Role) : o)) as KubeObject[]);
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  // One process per workload, as its Deployment's serve --workload runs it.
  const workloads = [...new Set(fns.map((fn) => fn.workload))];
  const done = Promise.all(
    workloads.map(async (workload) => {
      const account = await file.client(await file.cluster().serviceAccount("default", servingWorkloadName("podfn", workload)));
      const functions = fns.filter((fn) => fn.workload === workload);
      return runWatches({ functions, kube: options.wrap ? options.wrap(account) : account, logger, restartDelayMs: () => 50, retryDelayMs: () => options.retryDelayMs ?? 20, ...(options.clock ? { clock: options.clock } : {}) }, stop.signal);
    }),
  );
  t.after(async () => {
    stop.abort();
    await done;
  });
  return {
    lines,
    async stop() {
      stop.abort();
      await done;
    },
  };
}
