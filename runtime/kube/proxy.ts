/**
 * @module kube/proxy
 * Which HTTP(S) proxy the connections to the API server tunnel through, as client-go decides:
 * a kubeconfig's `proxy-url` when it sets one, otherwise the environment as Go's
 * `http.ProxyFromEnvironment` reads it (`HTTPS_PROXY` for an `https://` server, `HTTP_PROXY`
 * for `http://`, upper case first; `NO_PROXY` exempting hosts). HTTP(S) proxies tunnel with
 * CONNECT; SOCKS5 (`socks5://`, and `socks5h://` as Go's environment path takes it) through a
 * tunnel per connection (kube/socks5.ts), as kubectl reaches a private cluster through a bastion. Another scheme is refused with an error naming where
 * it came from, never connected around (a `proxy-url` that is not a URL too); an environment
 * value that is not a URL is ignored with a warning, as Go ignores it. Messages show a proxy
 * without its user and password.
 *
 * `NO_PROXY` follows golang.org/x/net/http/httpproxy: comma-separated entries, matched case-
 * insensitively; `*` exempts every host; an IP address or a CIDR range (`10.0.0.0/8`,
 * `fd00::/8`) matches IP hosts; `example.com` matches it and its subdomains, `.example.com` and
 * `*.example.com` only its subdomains; any entry but a CIDR range may end in `:port`. `localhost`
 * and loopback addresses are never proxied.
 */
import { nodeNet as net } from "../node-builtins.js";
import { KubeCredentialsError } from "./errors.js";
import { socks5Login } from "./socks5.js";


/**
 * A proxy URL without its user and password: everything after the scheme up to the value's last
 * `@` is dropped, so a password holding `/` or `@` (a value that does not parse) never shows.
 */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, "$1");
}

/** Whether a proxy URL names a SOCKS5 proxy (`socks5://` or `socks5h://`: the proxy resolves the API server's name in both). */
export function isSocksProxy(proxyUrl: string): boolean {
  return /^socks5h?:/i.test(proxyUrl);
}

/**
 * `value` checked as a proxy podfn can use (HTTP(S), tunnelling with CONNECT, or SOCKS5);
 * `where` says where it was set, e.g. `cluster "c" sets proxy-url` or `HTTPS_PROXY is`.
 */
export function checkProxyUrl(value: string, where: string): URL {
  const shown = JSON.stringify(withoutCredentials(value));
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new KubeCredentialsError(`${where} ${shown}, which is not a URL such as http://proxy.example:3128`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:" && !isSocksProxy(value)) {
    throw new KubeCredentialsError(`${where} ${shown}: only http://, https:// and socks5:// proxies are supported`);
  }
  const login = isSocksProxy(value) ? socks5Login(url) : undefined;
  if (typeof login === "string") throw new KubeCredentialsError(`${where} ${shown}, which cannot be used: ${login}`);
  return url;
}

/** The proxy chosen for a server, and the variable it came from. */
export interface EnvironmentProxy {
  url: string;
  /** `HTTPS_PROXY`, `https_proxy`, `HTTP_PROXY` or `http_proxy`. */
  variable: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The first of `names` set to a non-empty value, as Go's `getEnvAny`. */
function firstSet(env: Env, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * The proxy the environment names for connections to `server`, or `undefined` when none applies
 * (no variable for its scheme, a loopback host, or a `NO_PROXY` match).
 *
 * @example
 * proxyFromEnvironment("https://10.96.0.1:443", { HTTPS_PROXY: "proxy:3128", NO_PROXY: "10.96.0.0/12" }); // undefined
 */
export function proxyFromEnvironment(server: string, env: Env, warn: (message: string) => void = () => {}): EnvironmentProxy | undefined {
  const target = new URL(server);
  const https = target.protocol === "https:";
  const set = firstSet(env, https ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"]);
  if (set === undefined) return undefined;
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const port = target.port || (https ? "443" : "80");
  if (!proxied(host, port, firstSet(env, ["NO_PROXY", "no_proxy"])?.value ?? "")) return undefined;
  // As Go's parseProxy: a bare "host:port" is an http:// proxy.
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(set.value) ? set.value : `http://${set.value}`;
  if (!URL.canParse(url)) {
    warn(`${set.name} is ${JSON.stringify(withoutCredentials(set.value))}, which is not a URL: ignored, as client-go ignores it (connecting directly)`);
    return undefined;
  }
  checkProxyUrl(url, `${set.name} is`);
  return { url, variable: set.name };
}

/** Whether a connection to `host` (lower case, no brackets) and `port` goes through the proxy. */
function proxied(host: string, port: string, noProxy: string): boolean {
  const family = net().isIP(host);
  if (host === "localhost" || (family !== 0 && isLoopback(host, family))) return false;
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return false;
    if (family !== 0 && matchesRange(entry, host, family)) return false;
    const { name, entryPort } = splitPort(entry);
    if (name === "" || (entryPort !== undefined && entryPort !== port)) continue;
    const entryFamily = net().isIP(name);
    if (entryFamily !== 0) {
      if (family !== 0 && sameAddress(name, entryFamily, host, family)) return false;
      continue;
    }
    // Domain names match host names only, never an IP host.
    if (family !== 0) continue;
    const suffix = name.startsWith("*.") ? name.slice(1) : name;
    if (suffix.startsWith(".") ? host.endsWith(suffix) : host === suffix || host.endsWith(`.${suffix}`)) return false;
  }
  return true;
}

function isLoopback(host: string, family: number): boolean {
  if (family === 4) return host.startsWith("127.");
  const list = new (net().BlockList)();
  list.addAddress("::1", "ipv6");
  list.addSubnet("::ffff:127.0.0.0", 104, "ipv6");
  return list.check(host, "ipv6");
}

/** An entry `address/bits` containing `host`. */
function matchesRange(entry: string, host: string, family: number): boolean {
  const slash = entry.indexOf("/");
  if (slash < 0) return false;
  const address = entry.slice(0, slash);
  const bits = entry.slice(slash + 1);
  const entryFamily = net().isIP(address);
  if (entryFamily === 0 || !/^\d+$/.test(bits) || Number(bits) > (entryFamily === 4 ? 32 : 128)) return false;
  const list = new (net().BlockList)();
  list.addSubnet(address, Number(bits), entryFamily === 4 ? "ipv4" : "ipv6");
  return list.check(host, family === 4 ? "ipv4" : "ipv6");
}

function sameAddress(a: string, aFamily: number, b: string, bFamily: number): boolean {
  const list = new (net().BlockList)();
  list.addAddress(a, aFamily === 4 ? "ipv4" : "ipv6");
  return list.check(b, bFamily === 4 ? "ipv4" : "ipv6");
}

/** `host:port`, `[v6]:port`, or a name without a port (a bare IPv6 address keeps its colons). */
function splitPort(entry: string): { name: string; entryPort?: string } {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, ...(bracketed[2] !== undefined ? { entryPort: bracketed[2] } : {}) };
  const colon = entry.lastIndexOf(":");
  if (colon < 0 || entry.indexOf(":") !== colon) return { name: entry };
  return { name: entry.slice(0, colon), entryPort: entry.slice(colon + 1) };
}
