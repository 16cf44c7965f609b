/**
 * @module cluster/pod-security/policy
 * The Pod Security Standards' levels and versions as a namespace's labels choose them
 * (k8s.io/pod-security-admission api/helpers.go, 1.32): `pod-security.kubernetes.io/enforce`,
 * `audit`, `warn` and their `-version` labels over the PodSecurity plugin's default
 * configuration (every mode `privileged:latest`, nothing exempt). A bad value is a field error on
 * `metadata.labels[...]` (the namespace's 422) and evaluates as `restricted` for enforce and
 * `privileged` for audit and warn (closed for enforce, open for the others), as PolicyToEvaluate
 * does.
 */
import { invalidField, type FieldError } from "../status.js";

export type Level = "privileged" | "baseline" | "restricted";
const LEVELS: readonly Level[] = ["privileged", "baseline", "restricted"];

/** A policy version: `latest` or `v1.<minor>`. */
export interface Version {
  latest: boolean;
  minor: number;
  /** The minor's digits when a JavaScript number cannot hold it exactly (past 2^53; Go's int holds it). */
  digits?: string;
}

export const LATEST: Version = { latest: true, minor: 0 };

export interface LevelVersion {
  level: Level;
  version: Version;
}

export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export const LABEL_PREFIX = "pod-security.kubernetes.io/";
const ENFORCE = `${LABEL_PREFIX}enforce`;
const AUDIT = `${LABEL_PREFIX}audit`;
const WARN = `${LABEL_PREFIX}warn`;

/** api.Version.String(). */
export function versionText(v: Version): string {
  return v.latest ? "latest" : `v1.${v.digits ?? v.minor}`;
}

/** LevelVersion.String(): `restricted:latest`. */
export function levelVersionText(lv: LevelVersion): string {
  return `${lv.level}:${versionText(lv.version)}`;
}

/** Version.Older: `latest` is newer than every numbered version. */
export function older(a: Version, b: Version): boolean {
  if (a.latest) return false;
  if (b.latest) return true;
  return a.minor < b.minor;
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && versionText(a.version) === versionText(b.version);
}

/** api.CompareLevels: -1 if `a` is less strict than `b`, 0 if equal, 1 if stricter. */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}

function parseLevel(text: string): [Level, string | undefined] {
  if ((LEVELS as readonly string[]).includes(text)) return [text as Level, undefined];
  return ["restricted", `must be one of ${LEVELS.join(", ")}`];
}

const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;
const MAX_INT64 = 2n ** 63n - 1n;

function parseVersion(text: string): [Version, string | undefined] {
  if (text === "latest") return [LATEST, undefined];
  const m = VERSION.exec(text);
  // strconv.Atoi of a number beyond int64 fails: the same error as a malformed one. Up to
  // int64's maximum it is a version (evaluated as the newest), named with its own digits.
  if (!m || BigInt(m[1]!) > MAX_INT64) return [LATEST, 'must be "latest" or "v1.x"'];
  const minor = Number(m[1]);
  return [Number.isSafeInteger(minor) ? { latest: false, minor } : { latest: false, minor, digits: m[1]! }, undefined];
}

/** The default configuration's policy: every mode `privileged:latest`. */
export function defaultPolicy(): Policy {
  const privileged = (): LevelVersion => ({ level: "privileged", version: LATEST });
  return { enforce: privileged(), audit: privileged(), warn: privileged() };
}

/** api.PolicyToEvaluate: the policy the labels select and the errors of their bad values. */
export function policyToEvaluate(labels: Record<string, unknown> | undefined): { policy: Policy; errors: FieldError[] } {
  const policy = defaultPolicy();
  const errors: FieldError[] = [];
  if (!labels) return { policy, errors };
  const read = <T>(label: string, parse: (text: string) => [T, string | undefined], set: (value: T, failed: boolean) => void): void => {
    if (!Object.prototype.hasOwnProperty.call(labels, label)) return;
    const text = String(labels[label] ?? "");
    const [value, error] = parse(text);
    if (error) errors.push(invalidField(`metadata.labels[${label}]`, text, error));
    set(value, error !== undefined);
  };
  read(ENFORCE, parseLevel, (l) => (policy.enforce.level = l));
  read(`${ENFORCE}-version`, parseVersion, (v) => (policy.enforce.version = v));
  read(AUDIT, parseLevel, (l, failed) => (policy.audit.level = failed ? "privileged" : l));
  read(`${AUDIT}-version`, parseVersion, (v) => (policy.audit.version = v));
  read(WARN, parseLevel, (l, failed) => (policy.warn.level = failed ? "privileged" : l));
  read(`${WARN}-version`, parseVersion, (v) => (policy.warn.version = v));
  return { policy, errors };
}
