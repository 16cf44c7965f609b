/**
 * @module testing/typed-calls
 * The types of a deployed function's calls: for a definition given to `deploy()` (a module's
 * default export), `run()` takes its input schema's input and resolves to its handler's output;
 * for a function deployed by name, any input and an `unknown` result; `fireSchedule()` takes its
 * schedules' names; `review()`'s objects are typed by an admission definition's rules. Also turns such a definition into the function the
 * loader would make of it.
 */
import type { z } from "zod";
import { DefinitionError } from "../errors.js";
import type { LoadedFunction, AdmissionFunction, PodfnFunction, Trigger } from "../function.js";
import type { KubeObject } from "../kube/api.js";
import type { AdmissionObjectType } from "../admission/types.js";
import { resolveDefinition } from "../definition-schema.js";

/** Any definition made by `defineFunction`. */
// `any`: the widest definition, whatever its schema and output (`unknown` would refuse a typed handler).
export type AnyDefinition = PodfnFunction<any, any> | AdmissionFunction<any, any>;

/** What `run()` takes as input: the schema's input (`z.input`), before its defaults. */
export type InputOf<F extends AnyDefinition> = [F] extends [PodfnFunction<infer S extends z.ZodType, infer _>] ? z.input<S> : unknown;

/**
 * What `run()` resolves to: the handler's output (a handler that returns `reply(...)` resolves
 * to that `Reply`, which this type does not name: tell them apart with `isReply`).
 */
export type OutputOf<F extends AnyDefinition> = [F] extends [PodfnFunction<infer _, infer O>] ? O : unknown;

/**
 * The names `fireSchedule()` takes: the definition's schedule entries' (an entry's `name`, else
 * its index: `"0"`, `"1"`, ...) when `defineFunction` knows them literally; else (a function
 * deployed by name, a name given as a `string` variable, entries from an array variable, no
 * schedule) any `string`, refused at run time when the function has no schedule by it.
 */
export type ScheduleNameOf<F extends AnyDefinition> = [F] extends [PodfnFunction<any, any, any, any, infer SN>] ? SN : string;

/**
 * The object type `review()` gives (its result's `object`, its fields' `object` and
 * `oldObject`): an admission definition's, by its rules' `resource` as its handler's
 * `trigger.request.object` is typed (`Deployment` for `"deployments.apps"`, the union for
 * several); else (a function deployed by name, one without `admission`) a `KubeObject`.
 */
export type ReviewObjectOf<F extends AnyDefinition> = [F] extends [AdmissionFunction<infer R, infer _>] ? (0 extends 1 & R ? KubeObject : AdmissionObjectType<R>) : KubeObject;

/** `run()`'s options: `dryRun` as `podfn run --dry-run`; `trigger` as the call comes in (default `{ type: "run" }`). */
export interface RunOptions {
  dryRun?: boolean;
  trigger?: Trigger;
}

/** `run()`'s arguments: the input may be left out only where the schema takes `{}` (every field optional or defaulted). */
export type RunArgs<F extends AnyDefinition> = {} extends InputOf<F> ? [input?: InputOf<F>, options?: RunOptions] : [input: InputOf<F>, options?: RunOptions];

/**
 * The function the loader would make of `definition` (its defaults resolved); throws
 * `DefinitionError` listing its problems, as loading its module would.
 *
 * @example
 * const fn = loadDefinition(setImage); // fn.schedules, fn.http ... resolved
 */
export function loadDefinition(definition: PodfnFunction): LoadedFunction {
  const file = `deploy(${String(definition.name)})`;
  const result = resolveDefinition(definition, file);
  if (!result.ok) throw new DefinitionError(file, result.problems);
  return result.fn;
}
