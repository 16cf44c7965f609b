/**
 * @module bench/peers/gc-hook
 * Preloaded (`node --expose-gc --import gc-hook.js ...`) into a server whose idle memory is
 * measured: on SIGUSR2 it runs a full garbage collection, so the RSS read afterwards is the
 * settled figure, not whatever garbage start-up left behind.
 */
process.on("SIGUSR2", function collect() {
  (globalThis as { gc?: () => void }).gc?.();
  process.stderr.write("gc done\n");
});
