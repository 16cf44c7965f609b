/**
 * @module bench/peers/gc-hook
 * Preloaded (`node --import gc-hook.js ...`) into a server whose idle memory is measured: on
 * SIGUSR2 it runs a full garbage collection, so the RSS read afterwards is the settled figure,
 * not whatever garbage start-up left behind. `gc` is exposed only then, with
 * `v8.setFlagsFromString`, not with `--expose-gc` on the command line: a V8 flag at start-up
 * changes V8's flag hash, which makes V8 refuse a code cache (podfn's production build loads
 * its runtime from one), so the server would start unlike it does in production. It says so
 * on fd 2 directly, as `podfn serve` takes what goes through `process.stderr` into its log.
 */
import { writeSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

process.on("SIGUSR2", function collect() {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  // To the descriptor itself: podfn serve takes what goes through process.stderr into its log (on stdout).
  writeSync(2, "gc done\n");
});
