/**
 * @module schedule/entry-names
 * Types only: the names a definition's schedule entries go by, as `defineFunction` infers them,
 * for what a test may fire (`Deployed.fireSchedule`). An entry's name is its `name` as written,
 * else its index as the loader gives it (`"0"`, `"1"`, ...); a name known only as a `string`
 * makes them all a `string`.
 */
import type { ScheduleEntry } from "../function.js";

/**
 * A single schedule entry as `defineFunction` checks it, its `cron` the `C` and its `name` the
 * `N` inferred from it. Uninferred (explicit type arguments: `C` `never`, `N` `undefined`), any
 * cron and any name, as `ScheduleEntry`.
 */
export type InferredSchedule<N extends string | undefined, C extends string> = Omit<ScheduleEntry, "name" | "cron"> & {
  cron: C | ([C] extends [never] ? string : never);
  name?: N | (undefined extends N ? string : never);
};

/**
 * Inference only: the `name` of each entry of a schedule array, index by index, as `NS`
 * (`unknown` where none is written). A union member of `schedule` beside `ScheduleEntry[]`, which
 * checks the entries as before; no value is one (its `cron` would be `never`), so it accepts
 * nothing, and `readonly` keeps error messages on the checked entries.
 */
export type ScheduleNames<NS extends readonly unknown[]> = { +readonly [I in keyof NS]: { name?: NS[I]; cron: never } };

/** The name an entry goes by: its `name` `N` when a literal, `string` when only that is known, else its index. */
export type ScheduleEntryName<N, Index extends string> = 0 extends 1 & N ? string : unknown extends N ? Index : N extends string ? N : Index;

/**
 * The names of a definition's schedules, from a single entry's `C` (its cron: `never` when there
 * is none) and `N` (its name), or an array's `NS` (its entries' names, index by index). Entries
 * not known one by one (an array variable), no schedule, or explicit type arguments: `string`.
 */
export type ScheduleNamesOf<C, N, NS extends readonly unknown[]> = number extends NS["length"]
  ? [C] extends [never]
    ? string
    : ScheduleEntryName<N, "0">
  : { [I in keyof NS]: ScheduleEntryName<NS[I], I & string> }[number];
