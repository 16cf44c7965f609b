/**
 * @module test/kube/helpers/connect-proxy
 * An HTTP proxy for the client's proxy tests that only tunnels (CONNECT): it records each
 * target and its `Proxy-Authorization`, counts the tunnels open, and connects each to `upstream(target)` (default: the target
 * itself), or answers 407 while `refuse()` says so.
 */
import { createServer } from "node:http";
import { connect, type AddressInfo } from "node:net";

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The `host:port` of every CONNECT, in order. */
  tunnels: string[];
  /** The `Proxy-Authorization` header of every CONNECT (undefined: none), in order. */
  logins: Array<string | undefined>;
  /** Tunnels open now. */
  open(): number;
  close(): void;
}

export async function startConnectProxy(options: { upstream?: (target: string) => { host: string; port: number }; refuse?: () => boolean } = {}): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const logins: Array<string | undefined> = [];
  let open = 0;
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on("connect", (req, client, head) => {
    const target = req.url ?? "";
    tunnels.push(target);
    logins.push(req.headers["proxy-authorization"]);
    if (options.refuse?.()) return void client.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
    open++;
    client.once("close", () => open--);
    const colon = target.lastIndexOf(":");
    const { host, port } = options.upstream?.(target) ?? { host: target.slice(0, colon), port: Number(target.slice(colon + 1)) };
    const upstream = connect(port, host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  proxy.listen(0, "127.0.0.1");
  await new Promise((resolve) => proxy.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    tunnels,
    logins,
    open: () => open,
    close() {
      proxy.closeAllConnections();
      proxy.close();
    },
  };
}
