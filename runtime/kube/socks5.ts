/**
 * @module kube/socks5
 * A SOCKS5 tunnel to the API server (RFC 1928 CONNECT, RFC 1929 user and password), as kubectl
 * opens one to reach a private cluster through a bastion. The proxy is dialled and the whole
 * exchange runs within the client's connect timeout; the open tunnel is then handed to the same
 * TLS connector a direct connection uses (its handshake gets the connect timeout of its own, as
 * in Go), so TLS to the API server is verified end to end, with the same server name rules.
 * Every field is checked as Go's SOCKS5 client checks it: lengths over 255 bytes are refused,
 * never cut; a malformed reply is an error. The API server's name is sent to the proxy to resolve (as Go's
 * SOCKS5 dialer does); an IP address is sent as one, IPv6 included. The login is the proxy
 * URL's user and password, percent-decoded.
 *
 * undici's own SOCKS5 agent (experimental in 7.x) is not used: its exchange ignored the connect
 * timeout (a silent proxy hung a request and `close()` for good), sent a percent-encoded login
 * as it was, named an IPv6 server as a domain, and opened connections past the client's limit.
 */
import type { Socket } from "node:net";
import { nodeNet as net } from "../node-builtins.js";

/** Why a tunnel could not be opened; `code` (`SOCKS5_*`) says which step failed. */
export class Socks5Error extends Error {
  constructor(
    readonly code: "SOCKS5_TIMEOUT" | "SOCKS5_UNREACHABLE" | "SOCKS5_CLOSED" | "SOCKS5_LOGIN_REFUSED" | "SOCKS5_NO_METHOD" | "SOCKS5_PROTOCOL" | "SOCKS5_TOO_LONG" | `SOCKS5_REPLY_${number}`,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "Socks5Error";
  }

  /**
   * Whether trying again could succeed: the proxy could not be reached, hung up or did not
   * answer in time, or could not reach the server. Nothing reached the API server in any case.
   */
  get transient(): boolean {
    return this.code === "SOCKS5_TIMEOUT" || this.code === "SOCKS5_UNREACHABLE" || this.code === "SOCKS5_CLOSED" || /^SOCKS5_REPLY_[13456]$/.test(this.code);
  }
}

/** RFC 1929 and RFC 1928 carry a user, a password and a host name in at most 255 bytes each. */
const MAX_FIELD_BYTES = 255;

/**
 * The login of a SOCKS5 proxy URL, percent-decoded, or why it cannot be sent: a bad escape, a
 * field over 255 bytes, a password without a user (Go refuses the same). Never the values.
 */
export function socks5Login(proxy: URL): { username: string; password: string } | string {
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(proxy.username);
    password = decodeURIComponent(proxy.password);
  } catch {
    return "its user or password has a bad percent-escape";
  }
  if (Buffer.byteLength(username) > MAX_FIELD_BYTES || Buffer.byteLength(password) > MAX_FIELD_BYTES) return `a SOCKS5 user and password are at most ${MAX_FIELD_BYTES} bytes each`;
  if (username === "" && password !== "") return "it has a password but no user";
  return { username, password };
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

/** The address part of a CONNECT request: IPv4 (an IPv4-mapped IPv6 one too), IPv6 or a name for the proxy to resolve. */
function address(host: string): Buffer {
  const family = net().isIP(host);
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
    // An IPv4-mapped address (`::ffff:10.0.0.1`, which URLs write `::ffff:a00:1`) goes as IPv4, as Go sends it.
    if (bytes.subarray(1, 11).every((b) => b === 0) && bytes[11] === 0xff && bytes[12] === 0xff) return Buffer.from([0x01, ...bytes.subarray(13)]);
    return bytes;
  }
  const name = Buffer.from(host);
  if (name.length > MAX_FIELD_BYTES) throw new Socks5Error("SOCKS5_TOO_LONG", `the API server's name is over the ${MAX_FIELD_BYTES} bytes SOCKS5 can carry`);
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
  const credentials = socks5Login(proxy);
  if (typeof credentials === "string") return Promise.reject(new Socks5Error("SOCKS5_PROTOCOL", `the proxy URL cannot be used: ${credentials}`));
  let request: Buffer;
  try {
    const port = Buffer.alloc(2);
    port.writeUInt16BE(target.port);
    request = Buffer.concat([Buffer.from([0x05, 0x01, 0x00]), address(target.host), port]);
  } catch (error) {
    return Promise.reject(error);
  }
  const { username, password } = credentials;
  const login = username !== "";
  const socket = net().connect({ host: proxy.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(proxy.port || 1080) });
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
  let connected = false;
  socket.once("connect", () => (connected = true));
  // Nothing reached the API server either way: the proxy could not be reached, or hung up.
  const onError = (error: NodeJS.ErrnoException) =>
    fail(connected ? new Socks5Error("SOCKS5_CLOSED", `the SOCKS5 proxy broke the connection (${error.code ?? error.message})`, { cause: error }) : new Socks5Error("SOCKS5_UNREACHABLE", `the SOCKS5 proxy could not be reached (${error.code ?? error.message})`, { cause: error }));
  const onClose = () => fail(new Socks5Error("SOCKS5_CLOSED", "the SOCKS5 proxy closed the connection during the exchange"));
  socket.on("data", onData).on("error", onError).on("close", onClose);
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
      const [authVersion, status] = await read(2);
      if (authVersion !== 0x01) throw new Socks5Error("SOCKS5_PROTOCOL", "the SOCKS5 proxy answered the login in another protocol");
      if (status !== 0x00) throw new Socks5Error("SOCKS5_LOGIN_REFUSED", "the SOCKS5 proxy refused the login");
    } else if (method !== 0x00) {
      throw new Socks5Error("SOCKS5_NO_METHOD", login ? "the SOCKS5 proxy accepts no login podfn offers (none, user and password)" : "the SOCKS5 proxy wants a login: put a user and password in the proxy URL");
    }
    socket.write(request);
    const [replyVersion, reply, reserved, type] = await read(4);
    if (replyVersion !== 0x05 || reserved !== 0x00 || (type !== 0x01 && type !== 0x03 && type !== 0x04)) throw new Socks5Error("SOCKS5_PROTOCOL", "the SOCKS5 proxy's reply is malformed");
    if (reply !== 0x00) throw new Socks5Error(`SOCKS5_REPLY_${reply!}`, `the SOCKS5 proxy could not reach the API server: ${REPLIES[reply!] ?? `reply ${reply}`}`);
    // The bound address and port, unused.
    await read(type === 0x01 ? 6 : type === 0x04 ? 18 : (await read(1))[0]! + 2);
    return socket;
  }

  return exchange().then(
    function opened(tunnel) {
      clearTimeout(timer);
      tunnel.off("data", onData).off("error", onError).off("close", onClose);
      // Paused, so bytes the proxy sent past its reply go to the API server's TLS, not to nobody.
      tunnel.pause();
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
