/**
 * @module kube/socks5
 * A SOCKS5 tunnel to the API server (RFC 1928 CONNECT, RFC 1929 user and password), as kubectl
 * opens one to reach a private cluster through a bastion. The proxy is dialled and the whole
 * exchange runs within the client's connect timeout; the open tunnel is then handed to the same
 * TLS connector a direct connection uses, so TLS to the API server is verified end to end, with
 * the same server name rules. The API server's name is sent to the proxy to resolve (as Go's
 * SOCKS5 dialer does); an IP address is sent as one, IPv6 included. The login is the proxy
 * URL's user and password, percent-decoded.
 *
 * undici's own SOCKS5 agent (experimental in 7.x) is not used: its exchange ignored the connect
 * timeout (a silent proxy hung a request and `close()` for good), sent a percent-encoded login
 * as it was, named an IPv6 server as a domain, and opened connections past the client's limit.
 */
import { connect, isIP, type Socket } from "node:net";

/** Why a tunnel could not be opened; `code` (`SOCKS5_*`) says which step failed. */
export class Socks5Error extends Error {
  constructor(
    readonly code: "SOCKS5_TIMEOUT" | "SOCKS5_LOGIN_REFUSED" | "SOCKS5_NO_METHOD" | "SOCKS5_PROTOCOL" | `SOCKS5_REPLY_${number}`,
    message: string,
  ) {
    super(message);
    this.name = "Socks5Error";
  }

  /** Whether trying again could succeed: the proxy could not reach the server, or did not answer in time. */
  get transient(): boolean {
    return this.code === "SOCKS5_TIMEOUT" || /^SOCKS5_REPLY_[13456]$/.test(this.code);
  }
}

/** RFC 1928 §6 reply codes, in words. */
const REPLIES: Record<number, string> = {
  1: "general SOCKS server failure",
  2: "connection not allowed by ruleset",
  3: "network unreachable",
  4: "host unreachable",
  5: "connection refused",
  6: "TTL expired",
  7: "command not supported",
  8: "address type not supported",
};

export interface Socks5Target {
  /** `socks5://[user:password@]host[:port]` (`socks5h://`, `socks://` alike). */
  proxy: string;
  /** The API server's host (brackets of an IPv6 address dropped) and port. */
  host: string;
  port: number;
  /** The whole exchange must be done within this (the client's connect timeout); 0: no limit. */
  timeoutMs: number;
}

/** The address part of a CONNECT request: IPv4, IPv6 or a name for the proxy to resolve. */
function address(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return Buffer.from([0x01, ...host.split(".").map(Number)]);
  if (family === 6) {
    // An embedded IPv4 tail (`::ffff:10.0.0.1`) as its two groups.
    const plain = host.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
    const [head = "", tail = ""] = plain.split("::");
    const groups = (part: string) => (part === "" ? [] : part.split(":"));
    const given = [...groups(head), ...Array(8 - groups(head).length - groups(tail).length).fill("0"), ...groups(tail)];
    const bytes = Buffer.alloc(17);
    bytes[0] = 0x04;
    given.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), 1 + 2 * i));
    return bytes;
  }
  const name = Buffer.from(host);
  return Buffer.concat([Buffer.from([0x03, name.length]), name]);
}

/**
 * Open a tunnel to `target.host:target.port` through the SOCKS5 proxy; resolves with the TCP
 * socket, ready for TLS. Rejects with a `Socks5Error`, or the socket's error when the proxy
 * cannot be reached (ECONNREFUSED, ENOTFOUND: nothing was sent).
 *
 * @example
 * const socket = await openSocks5Tunnel({ proxy: "socks5://127.0.0.1:1080", host: "10.0.0.1", port: 6443, timeoutMs: 10_000 });
 */
export function openSocks5Tunnel(target: Socks5Target): Promise<Socket> {
  const proxy = new URL(target.proxy);
  const username = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  const login = username !== "" || password !== "";
  const socket = connect({ host: proxy.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(proxy.port || 1080) });
  let buffered = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  };
  const fail = (error: Error) => {
    failure ??= error;
    wake?.();
  };
  const onClose = () => fail(new Socks5Error("SOCKS5_PROTOCOL", "the SOCKS5 proxy closed the connection"));
  socket.on("data", onData).on("error", fail).on("close", onClose);
  const timer = target.timeoutMs > 0 ? setTimeout(() => fail(new Socks5Error("SOCKS5_TIMEOUT", `the SOCKS5 proxy did not open the tunnel within ${target.timeoutMs} ms`)), target.timeoutMs) : undefined;

  async function read(n: number): Promise<Buffer> {
    while (buffered.length < n) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    return out;
  }

  async function exchange(): Promise<Socket> {
    socket.write(Buffer.from(login ? [0x05, 0x02, 0x00, 0x02] : [0x05, 0x01, 0x00]));
    const [version, method] = await read(2);
    if (version !== 0x05) throw new Socks5Error("SOCKS5_PROTOCOL", "the proxy does not speak SOCKS5");
    if (method === 0x02) {
      const user = Buffer.from(username);
      const pass = Buffer.from(password);
      socket.write(Buffer.concat([Buffer.from([0x01, user.length]), user, Buffer.from([pass.length]), pass]));
      const [, status] = await read(2);
      if (status !== 0x00) throw new Socks5Error("SOCKS5_LOGIN_REFUSED", "the SOCKS5 proxy refused the login");
    } else if (method !== 0x00) {
      throw new Socks5Error("SOCKS5_NO_METHOD", login ? "the SOCKS5 proxy accepts no login podfn offers (none, user and password)" : "the SOCKS5 proxy wants a login: put a user and password in the proxy URL");
    }
    const port = Buffer.alloc(2);
    port.writeUInt16BE(target.port);
    socket.write(Buffer.concat([Buffer.from([0x05, 0x01, 0x00]), address(target.host), port]));
    const [, reply, , type] = await read(4);
    if (reply !== 0x00) throw new Socks5Error(`SOCKS5_REPLY_${reply!}`, `the SOCKS5 proxy could not reach the API server: ${REPLIES[reply!] ?? `reply ${reply}`}`);
    // The bound address and port, unused.
    await read(type === 0x01 ? 6 : type === 0x04 ? 18 : (await read(1))[0]! + 2);
    return socket;
  }

  return exchange().then(
    function opened(tunnel) {
      clearTimeout(timer);
      tunnel.off("data", onData).off("error", fail).off("close", onClose);
      // Bytes the proxy sent past its reply belong to the API server's TLS.
      if (buffered.length > 0) tunnel.unshift(buffered);
      return tunnel;
    },
    function failed(error: unknown) {
      clearTimeout(timer);
      socket.destroy();
      throw error;
    },
  );
}
