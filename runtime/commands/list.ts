/**
 * @module commands/list
 * `podfn list [--json]`: what the functions folder declares, as a table or as JSON for tooling.
 */
import { servedByDeployment, servingPermissions } from "../requirements.js";
import { loadFunctions } from "../loader.js";
import type { LoadedFunction, PermissionRule } from "../function.js";
import { defineCommand } from "./define.js";
import { DEFAULT_WORKLOAD } from "../definition-accept.js";

const HELP = `Usage: podfn list [--json] [--functions DIR]

Loads every function module and prints name, route, caller auth, schedules, watches,
admission webhook (its type, resources and operations; "(Ignore)" when its failures let
requests through), the workload serving it where some function names one (http: the default;
in --json always, null for a function only CronJobs run), the egress it declares where some
function declares any (in --json always) and permissions (a watch's list and watch rights included; in --json, \`permissions\` are the
declared rules and \`servingPermissions\` what the HTTP workload is granted for it, watches
included: none for a function only CronJobs run, whose own ServiceAccount gets \`permissions\`).
Exits 2 when a module is invalid, listing every problem with its file.
`;

function describeAuth(fn: LoadedFunction): string {
  const auth = fn.http?.auth;
  if (!auth) return "-";
  return auth === "none" ? "none" : auth.type === "serviceAccount" ? `serviceAccount(${auth.allow.join(",")})` : `${auth.type}(${auth.secret})`;
}

/** Rules on the same resources, names and namespace as one, their verbs joined (a watch's `get,list,watch` and a declared `patch`). */
function mergedRules(rules: readonly PermissionRule[]): PermissionRule[] {
  const byTarget = new Map<string, PermissionRule>();
  for (const rule of rules) {
    const key = JSON.stringify([rule.apiGroups, rule.resources, rule.resourceNames ?? null, rule.namespace ?? null]);
    const seen = byTarget.get(key);
    if (seen) byTarget.set(key, { ...seen, verbs: [...new Set([...seen.verbs, ...rule.verbs])] });
    else byTarget.set(key, rule);
  }
  return [...byTarget.values()];
}

export function describeRule(rule: PermissionRule): string {
  const groups = rule.apiGroups.map((g) => g || "core").join(",");
  const names = rule.resourceNames ? `[${rule.resourceNames.join(",")}]` : "";
  const ns = rule.namespace ? ` in ${rule.namespace}` : "";
  return `${rule.verbs.join(",")} ${groups}/${rule.resources.join(",")}${names}${ns}`;
}

/** A watch in one cell: `jobs.batch MODIFIED`, `pods ns=* -l app=web`. */
function describeWatch(w: LoadedFunction["watches"][number]): string {
  const parts = [w.name];
  if (w.namespace !== undefined) parts.push(`ns=${w.namespace}`);
  if (w.labelSelector !== undefined) parts.push(`-l ${w.labelSelector}`);
  if (w.fieldSelector !== undefined) parts.push(`--field-selector ${w.fieldSelector}`);
  if (w.events.length < 3) parts.push(w.events.join(","));
  if (w.coalesce) parts.push("coalesced");
  if (w.generationChanges) parts.push("generation changes");
  if (w.changed) parts.push("changed()");
  if (w.resyncSeconds !== undefined) parts.push(`resync ${w.resyncSeconds}s`);
  if (w.finalizer !== undefined) parts.push(`finalizer ${w.finalizer}`);
  if (w.status !== undefined) parts.push(`status ${w.status.condition}`);
  return parts.join(" ");
}

/** An admission webhook in one cell: `validating deployments.apps CREATE,UPDATE`, ` (Ignore)` when failures let requests through. */
function describeAdmission(a: NonNullable<LoadedFunction["admission"]>): string {
  const rules = a.rules.map((r) => `${r.type.group ? `${r.type.resource}.${r.type.group}` : r.type.resource} ${r.operations.join(",")}${r.scope === "*" ? "" : ` ${r.scope}`}`);
  return `${a.type} ${rules.join(", ")}${a.failurePolicy === "Ignore" ? " (Ignore)" : ""}`;
}

/** Declared egress in one cell: `192.0.2.0/24 port 443; 10.0.0.0/8` (no ports: every port). */
function describeEgress(fn: LoadedFunction): string {
  return fn.egress.map(({ cidr, ports }) => (ports ? `${cidr} port${ports.length === 1 ? "" : "s"} ${ports.join(",")}` : cidr)).join("; ") || "-";
}

/** The workload that serves `fn`: its `workload`, `http` (the default) when it names none, null when only CronJobs run it. */
function workloadOf(fn: LoadedFunction): string | null {
  return servedByDeployment([fn]).length === 0 ? null : (fn.workload ?? DEFAULT_WORKLOAD);
}

/** The JSON form of a loaded function, stable for tooling. */
export function describeFunction(fn: LoadedFunction) {
  return {
    name: fn.name,
    description: fn.definition.description ?? "",
    file: fn.file,
    http: fn.http ? { method: fn.http.method, path: fn.http.path, auth: fn.http.auth, bodyLimitBytes: fn.http.bodyLimitBytes, bodyTimeoutMs: fn.http.bodyTimeoutMs, async: fn.http.async ?? false, maxInflight: fn.http.maxInflight ?? null } : null,
    schedules: fn.schedules.map(({ name, cron, timeZone, mode, concurrencyPolicy }) => ({ name, cron, timeZone: timeZone ?? "UTC", mode, concurrencyPolicy })),
    watches: fn.watches.map(({ name, type, namespace, labelSelector, fieldSelector, events, concurrency, retries, coalesce, generationChanges, changed, resyncSeconds, finalizer, status }) => ({ name, ...type, namespace: namespace ?? null, labelSelector: labelSelector ?? null, fieldSelector: fieldSelector ?? null, events, concurrency, retries, coalesce, generationChanges, changedFilter: changed !== undefined, resyncSeconds: resyncSeconds ?? null, finalizer: finalizer ?? null, statusCondition: status?.condition ?? null })),
    workload: workloadOf(fn),
    admission: fn.admission ? { ...fn.admission, rules: fn.admission.rules.map(({ operations, type, scope }) => ({ operations, group: type.group, version: type.version, resource: type.resource, scope })) } : null,
    permissions: fn.permissions,
    egress: fn.egress,
    servingPermissions: servedByDeployment([fn]).length > 0 ? servingPermissions(fn) : [],
    env: fn.env,
    secrets: fn.secrets,
    timeoutMs: fn.timeoutMs,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") + "\n";
}

export const listCommand = defineCommand({
  name: "list",
  summary: "List the functions.",
  help: HELP,
  async run(config, _positionals, io) {
    const functions = await loadFunctions(config.functions, { cwd: io.cwd });
    if (functions.length === 0) io.stderr(`podfn list: no functions in ${config.functions}\n`);
    if (config.json) {
      io.stdout(JSON.stringify(functions.map(describeFunction), null, 2) + "\n");
      return 0;
    }
    // The ADMISSION column only where some function is a webhook: most folders have none.
    const webhooks = functions.some((fn) => fn.admission);
    // The WORKLOAD column likewise, only where some function names one: else every served function is the default's.
    const workloads = functions.some((fn) => fn.workload !== undefined);
    // The EGRESS column likewise, only where some function declares egress.
    const egress = functions.some((fn) => fn.egress.length > 0);
    const rows = [["NAME", "ROUTE", "AUTH", "SCHEDULES", "WATCHES", ...(webhooks ? ["ADMISSION"] : []), ...(workloads ? ["WORKLOAD"] : []), ...(egress ? ["EGRESS"] : []), "PERMISSIONS"]];
    for (const fn of functions) {
      rows.push([
        fn.name,
        fn.http ? `${fn.http.method} ${fn.http.path}${fn.http.async ? " (async)" : ""}` : "-",
        describeAuth(fn),
        fn.schedules.map((s) => `${s.cron}${s.timeZone ? ` ${s.timeZone}` : ""}${s.mode === "in-process" ? " (in-process)" : ""}`).join("; ") || "-",
        fn.watches.map(describeWatch).join("; ") || "-",
        ...(webhooks ? [fn.admission ? describeAdmission(fn.admission) : "-"] : []),
        ...(workloads ? [workloadOf(fn) ?? "-"] : []),
        ...(egress ? [describeEgress(fn)] : []),
        mergedRules(servingPermissions(fn)).map(describeRule).join("; ") || "-",
      ]);
    }
    io.stdout(table(rows));
    return 0;
  },
});
