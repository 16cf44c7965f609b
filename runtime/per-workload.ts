/**
 * @module per-workload
 * "A value per workload": the one syntax of `podfn manifests`' sizing options. A value for every
 * workload and `name=value` entries for some, comma-separated, in any order: `2,public=4`,
 * `public=10` (that workload only), `none,public=2`; `http` names the default workload.
 * `--pdb`'s value is the other form: the names of the workloads it is for (`public,http`).
 * Values are read by the option's own reader (an integer, a quantity...); what is wrong is told
 * as `<entry>: <what to write>` (`public=abc: must be a whole number from 1 to 1000`), and a
 * value alone, wrong, as the option's own message, as before this syntax existed. Whether a
 * named workload exists is for the manifests to say (deploy/sizing), which know the functions.
 */

/** A workload's name in an entry: a DNS label (a function's `workload`, or `http`). */
export const WORKLOAD_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An option's values: the one for every workload not named, and those of the named ones. */
export interface PerWorkload<T> {
  /** The value of every workload without an entry of its own; absent: the option's default. */
  default?: T;
  /** The named workloads' own values, by workload name (`http`: the default workload). */
  workloads: Readonly<Record<string, T>>;
}

/** A value for every workload, or values per workload. */
export type OrPerWorkload<T> = T | PerWorkload<T>;

/** What parsing an option's text gave: its values, or what is wrong with them. */
export type PerWorkloadResult<T> = { ok: true; value: PerWorkload<T> } | { ok: false; problem: string };

/** Reads one value: what it means, or undefined when it is not a value of the option. */
export type ValueReader<T> = (text: string) => T | undefined;

const NAME_MESSAGE = "is not a workload's name (a DNS label: lower case letters, digits and '-'; http for the default workload)";

const fail = <T>(problem: string): PerWorkloadResult<T> => ({ ok: false, problem });

/**
 * The values `text` gives (`2,public=4`), each read by `read`; `message` says what a value must
 * be. A number (a value that never was text) is read as its decimal text.
 *
 * @example
 * parsePerWorkload("2,public=4", readInteger, "must be a whole number"); // { ok: true, value: { default: 2, workloads: { public: 4 } } }
 * parsePerWorkload("public=abc", readInteger, "must be a whole number"); // { ok: false, problem: "public=abc: must be a whole number" }
 */
export function parsePerWorkload<T>(text: unknown, read: ValueReader<T>, message: string): PerWorkloadResult<T> {
  if (typeof text === "number") text = String(text);
  if (typeof text !== "string") return fail(message);
  const entries = text.split(",").map((entry) => entry.trim());
  const alone = entries.length === 1;
  const workloads: Record<string, T> = {};
  let value: PerWorkload<T>["default"];
  let defaultEntry: string | undefined;
  for (const entry of entries) {
    if (entry === "" && !alone) return fail(`${JSON.stringify(text)}: an empty entry between commas`);
    const equals = entry.indexOf("=");
    if (equals < 0) {
      if (defaultEntry !== undefined) return fail(`${entry}: a second value for every workload (${defaultEntry} came first): give the others as workload=value`);
      const read1 = read(entry);
      if (read1 === undefined) return fail(alone ? message : `${entry}: ${message}`);
      [value, defaultEntry] = [read1, entry];
      continue;
    }
    const name = entry.slice(0, equals).trim();
    const given = entry.slice(equals + 1).trim();
    if (name === "") return fail(`${entry}: name the workload before '=' (public=${given}), or give the value alone for every workload`);
    if (!WORKLOAD_NAME.test(name)) return fail(`${entry}: ${name} ${NAME_MESSAGE}`);
    if (Object.hasOwn(workloads, name)) return fail(`${entry}: ${name} is given twice`);
    const own = read(given);
    if (own === undefined) return fail(`${name}=${given}: ${message}`);
    workloads[name] = own;
  }
  return { ok: true, value: defaultEntry === undefined ? { workloads } : { default: value as T, workloads } };
}

/** A switch's value that reads as on or off (`--pdb=false`), not as a workload's name. */
const BOOLEAN_WORD = /^(true|false)$/i;

/**
 * What a switch given true or false alone (`--pdb=false`, `--pdb TRUE`) is told, as an option
 * that takes no argument is (`--network-policy=false`); undefined for any other value. The
 * manifests ask it only when no workload has that name (a workload may be named `false`).
 *
 * @example
 * switchGivenBoolean("--pdb", "false"); // "false: takes the names of workloads, not true or false: give --pdb alone ..."
 */
export function switchGivenBoolean(flag: string, text: string): string | undefined {
  if (!BOOLEAN_WORD.test(text.trim())) return undefined;
  return `${text.trim()}: takes the names of workloads, not true or false: give ${flag} alone for every serving workload, ${flag} public,http for those only, or leave it out for none`;
}

/**
 * A switch for every workload or for some (`--pdb`): `true` (given alone) is on for every
 * workload, `false` (not given) for none, text names the workloads it is on for
 * (`public,http`), each once; `TRUE` or `False`, which cannot name a workload, is refused as
 * `switchGivenBoolean` says (`false` names one, which the manifests refuse the same way if
 * none has that name).
 *
 * @example
 * parseWorkloadSwitch("public,http"); // { ok: true, value: { workloads: { public: true, http: true } } }
 */
export function parseWorkloadSwitch(given: unknown): PerWorkloadResult<boolean> {
  if (typeof given === "boolean") return { ok: true, value: { default: given, workloads: {} } };
  const message = "must name workloads, comma-separated (public,http), or be given alone for every workload";
  if (typeof given !== "string") return fail(message);
  const word = WORKLOAD_NAME.test(given.trim()) ? undefined : switchGivenBoolean("--pdb", given);
  if (word !== undefined) return fail(word);
  const workloads: Record<string, boolean> = {};
  for (const entry of given.split(",").map((e) => e.trim())) {
    if (entry === "") return fail(given.trim() === "" ? message : `${JSON.stringify(given)}: an empty entry between commas`);
    if (!WORKLOAD_NAME.test(entry)) return fail(`${entry} ${NAME_MESSAGE}`);
    if (Object.hasOwn(workloads, entry)) return fail(`${entry} is given twice`);
    workloads[entry] = true;
  }
  return { ok: true, value: { workloads } };
}

/** Whether `given` holds values per workload (rather than one value for every workload). */
export function isPerWorkload<T>(given: OrPerWorkload<T> | undefined): given is PerWorkload<T> {
  return typeof given === "object" && given !== null && "workloads" in given;
}

/**
 * The value of `workload` (undefined: a workload without an entry of its own): its own, else
 * the one for every workload; undefined when neither is given (the option's default applies).
 *
 * @example
 * valueFor({ default: 2, workloads: { public: 4 } }, "public"); // 4
 * valueFor(3, "public");                                         // 3
 */
export function valueFor<T>(given: OrPerWorkload<T> | undefined, workload: string | undefined): T | undefined {
  if (!isPerWorkload(given)) return given;
  return workload !== undefined && Object.hasOwn(given.workloads, workload) ? given.workloads[workload] : given.default;
}

/** The workloads `given` names, in the order given. */
export function namedWorkloads<T>(given: OrPerWorkload<T> | undefined): string[] {
  return isPerWorkload(given) ? Object.keys(given.workloads) : [];
}
