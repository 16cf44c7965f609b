/**
 * @module listen
 * Starting a server on a host and port, for the HTTP server, its operations server and the
 * admission webhooks alike: `::` (every address, IPv4 ones too on Linux's dual-stack sockets)
 * falls back to `0.0.0.0` where the kernel has no IPv6, as Node's own default does, and a
 * failure (a port taken or refused) carries the option that chose the port (`option`), for
 * commands/report.ts to say which to change.
 */
import type { Server } from "node:net";
import type { AddressInfo } from "node:net";

/** A failed `listen`, with the option that chose its port. */
export type ListenError = NodeJS.ErrnoException & { port?: number; address?: string; hostname?: string; option?: string };

/**
 * Listens on `host`:`port`; rejects with the error tagged with `option` (`--port / PORT`).
 *
 * @example
 * const address = await listen(server, 8080, "0.0.0.0", "--port / PORT");
 */
export async function listen(server: Server, port: number, host: string, option: string): Promise<AddressInfo> {
  try {
    try {
      return await listenOnce(server, port, host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (host !== "::" || (code !== "EAFNOSUPPORT" && code !== "EADDRNOTAVAIL")) throw error;
      return await listenOnce(server, port, "0.0.0.0");
    }
  } catch (error) {
    if (typeof error === "object" && error !== null) Object.assign(error, { option });
    throw error;
  }
}

function listenOnce(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, function listening() {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
