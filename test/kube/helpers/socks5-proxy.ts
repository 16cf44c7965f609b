/**
 * @module test/kube/helpers/socks5-proxy
 * A SOCKS5 proxy for the client's proxy tests (RFC 1928, CONNECT only; RFC 1929 user/password
 * when `auth` is given): it records each target (`host:port`, as the client named it) and
 * connects it to `upstream(target)` (default: the target itself).
 */
import { createServer, connect, type AddressInfo, type Socket } from "node:net";

export interface Socks5Proxy {
  /** `socks5://127.0.0.1:PORT`. */
  url: string;
  tunnels: string[];
  close(): void;
}

/** Reads exactly `n` bytes from the socket's buffered data as it arrives. */
function reader(socket: Socket): (n: number) => Promise<Buffer> {
  let buffered = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiting?.();
  });
  return async function read(n) {
    while (buffered.length < n) await new Promise<void>((resolve) => (waiting = resolve));
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    return out;
  };
}

export async function startSocks5Proxy(options: { auth?: { username: string; password: string }; upstream?: (target: string) => { host: string; port: number } } = {}): Promise<Socks5Proxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    const read = reader(client);
    const [version, count] = await read(2);
    const methods = [...(await read(count!))];
    if (version !== 5) return void client.destroy();
    const method = options.auth ? 0x02 : 0x00;
    if (!methods.includes(method)) return void client.end(Buffer.from([5, 0xff]));
    client.write(Buffer.from([5, method]));
    if (options.auth) {
      const [, ulen] = await read(2);
      const username = (await read(ulen!)).toString();
      const [plen] = await read(1);
      const password = (await read(plen!)).toString();
      const ok = username === options.auth.username && password === options.auth.password;
      client.write(Buffer.from([1, ok ? 0 : 1]));
      if (!ok) return void client.end();
    }
    const [, command, , type] = await read(4);
    let host: string;
    if (type === 1) host = [...(await read(4))].join(".");
    else if (type === 3) host = (await read((await read(1))[0]!)).toString();
    else host = (await read(16)).toString("hex").match(/.{4}/g)!.join(":");
    const port = (await read(2)).readUInt16BE(0);
    if (command !== 1) return void client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
    const target = `${host}:${port}`;
    tunnels.push(target);
    const to = options.upstream?.(target) ?? { host, port };
    const upstream = connect(to.port, to.host, () => {
      client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
      client.removeAllListeners("data");
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `socks5://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
