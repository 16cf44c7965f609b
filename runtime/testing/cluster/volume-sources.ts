/**
 * @module cluster/volume-sources
 * validateVolumeSource of 1.32's pod validation for the volumes that carry files from the API
 * (secret, configMap, downwardAPI, projected), as far as modelled: what each must name, each
 * file's mode within 0–0777 and its path relative, without `..`, and a projected volume's paths
 * unique. The other volume types, and a downward API file's field references, are not checked.
 */
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

const FILE_MODE = "must be a number between 0 and 0777 (octal), both inclusive";

function objectAt(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

function listAt(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map((item) => objectAt(item) ?? {}) : [];
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A mode (`defaultMode`, an item's `mode`) outside 0–0777. */
function modeErrors(mode: unknown, field: string): FieldError[] {
  return typeof mode === "number" && (mode > 0o777 || mode < 0) ? [{ type: "Invalid", field, value: mode, detail: FILE_MODE }] : [];
}

/** validateLocalNonReservedPath: relative, no `..` element, not starting with `..`. */
function localPathErrors(path: string, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (path.startsWith("/")) errors.push({ type: "Invalid", field, value: path, detail: "must be a relative path" });
  if (path.split("/").includes("..")) errors.push({ type: "Invalid", field, value: path, detail: "must not contain '..'" });
  if (path.startsWith("..") && !path.startsWith("../")) errors.push({ type: "Invalid", field, value: path, detail: "must not start with '..'" });
  return errors;
}

/** validateKeyToPath: a key, a local path, a mode in range. */
function keyToPathErrors(item: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (text(item.key) === "") errors.push({ type: "Required", field: `${at}.key` });
  if (text(item.path) === "") errors.push({ type: "Required", field: `${at}.path` });
  errors.push(...localPathErrors(text(item.path), `${at}.path`), ...modeErrors(item.mode, `${at}.mode`));
  return errors;
}

/** validateDownwardAPIVolumeFile's path and mode (its errors are named at the volume source, not the item, as upstream names them). */
function downwardFileErrors(file: Obj, at: string): FieldError[] {
  const path = text(file.path);
  return [...(path === "" ? [{ type: "Required" as const, field: `${at}.path` }] : []), ...localPathErrors(path, `${at}.path`), ...modeErrors(file.mode, `${at}.mode`)];
}

/** A secret or configMap volume: its name field, its default mode, its items. */
function keyedErrors(source: Obj, nameField: "secretName" | "name", at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (text(source[nameField]) === "") errors.push({ type: "Required", field: `${at}.${nameField}` });
  errors.push(...modeErrors(source.defaultMode, `${at}.defaultMode`));
  listAt(source.items).forEach((item, i) => errors.push(...keyToPathErrors(item, `${at}.items[${i}]`)));
  return errors;
}

/** validateProjectionSources: each source's items as above, every path once across them, one kind per source. */
function projectedErrors(projected: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [...modeErrors(projected.defaultMode, `${at}.defaultMode`)];
  const paths = new Set<string>();
  const taken = (path: string, value: string): void => {
    if (path === "") return;
    if (paths.has(path)) errors.push({ type: "Invalid", field: at, value, detail: "conflicting duplicate paths" });
    paths.add(path);
  };
  listAt(projected.sources).forEach((source, i) => {
    const sourceAt = `${at}.sources[${i}]`;
    let kinds = 0;
    for (const kind of ["secret", "configMap"] as const) {
      const keyed = objectAt(source[kind]);
      if (!keyed) continue;
      kinds++;
      if (text(keyed.name) === "") errors.push({ type: "Required", field: `${sourceAt}.${kind}.name` });
      listAt(keyed.items).forEach((item, j) => {
        errors.push(...keyToPathErrors(item, `${sourceAt}.${kind}.items[${j}]`));
        taken(text(item.path), text(keyed.name));
      });
    }
    const downward = objectAt(source.downwardAPI);
    if (downward) {
      kinds++;
      for (const file of listAt(downward.items)) {
        errors.push(...downwardFileErrors(file, `${sourceAt}.downwardAPI`));
        taken(text(file.path), text(file.path));
      }
    }
    if (objectAt(source.serviceAccountToken)) kinds++;
    if (objectAt(source.clusterTrustBundle)) kinds++;
    if (kinds > 1) errors.push({ type: "Forbidden", field: sourceAt, detail: "may not specify more than 1 volume type" });
  });
  return errors;
}

/** The errors of volume `volume`'s source, at `at` (`spec.volumes[0]`), in validateVolumeSource's terms. */
export function volumeSourceErrors(volume: Obj, at: string): FieldError[] {
  const secret = objectAt(volume.secret);
  const configMap = objectAt(volume.configMap);
  const downward = objectAt(volume.downwardAPI);
  const projected = objectAt(volume.projected);
  const errors: FieldError[] = [];
  // validateVolumeSource's order: secret, downwardAPI, configMap, projected.
  if (secret) errors.push(...keyedErrors(secret, "secretName", `${at}.secret`));
  if (downward) {
    errors.push(...modeErrors(downward.defaultMode, `${at}.downwardAPI.defaultMode`));
    for (const file of listAt(downward.items)) errors.push(...downwardFileErrors(file, `${at}.downwardAPI`));
  }
  if (configMap) errors.push(...keyedErrors(configMap, "name", `${at}.configMap`));
  if (projected) errors.push(...projectedErrors(projected, `${at}.projected`));
  return errors;
}
