/**
 * @module bench/peers/listen
 * What every peer server shares: the port it is told to use (`PORT`), the address it binds
 * (127.0.0.1 only) and the line it prints on stdout once it listens.
 */

/** The port from the `PORT` environment variable (0, a random port, when unset). */
export function port(): number {
  return Number(process.env.PORT ?? 0);
}

export const HOST = "127.0.0.1";

/**
 * Print `listening http://127.0.0.1:PORT` on stdout, and exit cleanly on SIGTERM/SIGINT
 * (so `node --cpu-prof` can write its profile when the benchmark stops the peer).
 */
export function announce(actualPort: number): void {
  process.stdout.write(`listening http://${HOST}:${actualPort}\n`);
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => process.exit(0));
}

/** The small JSON answer of every GET peer. */
export const HELLO = { hello: "world" } as const;
