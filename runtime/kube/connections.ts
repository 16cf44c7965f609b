/**
 * @module kube/connections
 * The connections to one API server and their life: two pools per client certificate, made on
 * first use — one for requests, at most `connections` connections, and one for streams (watches,
 * followed logs), as many as run: each stream holds its connection for as long as it runs, so
 * no number of them takes the connections requests need (a leader's Lease renewal, a handler's
 * call) — on Node's HTTPS client while the client is quiet, undici's `Pool` once it is busy
 * (kube/http-client-choice.ts; undici loaded then), and undici always through a proxy (a
 * `ProxyAgent` tunnelling through an HTTP(S) proxy with CONNECT; a SOCKS5 tunnel per connection,
 * kube/socks5.ts). A client turning busy gets an undici pool the same way a renewed certificate
 * gets new pools. A certificate an exec plugin renews gets new pools: later requests open
 * connections presenting it, and the old pools close once their requests in flight (streams
 * included) end, as client-go's connection rotation does. `close()` ends open streams at once,
 * wakes the waits tied to `closing`, and fails later requests with `KubeClientClosedError`.
 */
import type { Pool, ProxyAgent, buildConnector } from "undici";
import { KubeClientClosedError } from "./errors.js";
import type { ApiPool, ApiResponseBody } from "./api-pool.js";
import { BusyMeter, type HttpClientChoice } from "./http-client-choice.js";
import { NodeHttpsPool, type NodeHttpsTls } from "./node-https-pool.js";
import type { AuthMaterial, Credentials } from "./auth.js";
import { loadUndici, type UndiciParts } from "./undici.js";
import { importModule } from "../dynamic-import.js";
import { pinLlhttpToLiftoff } from "./llhttp-liftoff.js";
import { isSocksProxy } from "./proxy.js";
import { openSocks5Tunnel } from "./socks5.js";
import type { CaFile } from "./ca-file.js";

/** How often a CA file is looked at for a rotation. */
const CA_RECHECK_MS = 60_000;

/** What a proxy-url needs of the full undici package. */
interface ProxyParts {
  ProxyAgent: typeof ProxyAgent;
  Pool: typeof Pool;
}

export interface ConnectionsOptions {
  origin: string;
  credentials: Credentials;
  /** TLS to the API server (CA, verification, server name, connect timeout). */
  tls: NodeHttpsTls;
  /** The most connections requests hold at once (streams have theirs besides). */
  connections: number;
  /** The headers timeout, which a proxy's CONNECT keeps too. */
  headersMs: number;
  /** Which HTTP client carries requests. Default: "auto". */
  httpClient?: HttpClientChoice;
  /** The CA's file, read again for a rotation: new connections trust what it holds (`tls.ca` until it changes). */
  caFile?: CaFile;
}

export class Connections {
  readonly #options: ConnectionsOptions;
  #undici: UndiciParts | undefined;
  /** The full undici package, when a proxy-url needs its ProxyAgent. */
  #proxying: ProxyParts | undefined;
  /**
   * The pools new requests and new streams go to (each made on its first use), the client
   * certificate their connections present, and whether they are Node's.
   */
  #pool: ApiPool | undefined;
  #streamPool: ApiPool | undefined;
  #poolCert: string | undefined;
  /** The CA the current pools' connections trust. */
  #poolCa: string | undefined;
  #poolIsNode = false;
  readonly #caTimer: NodeJS.Timeout | undefined;
  /** Counts requests while Node's client carries them (`"auto"`). */
  readonly #meter: BusyMeter | undefined;
  /** Pools of replaced certificates (and the last one, on `close()`), until closed. */
  readonly #retiring = new Set<Promise<void>>();
  /** Bodies of open streams, ended by `close()`. */
  readonly #streams = new Set<ApiResponseBody>();
  #closed = false;
  readonly #closing = new AbortController();

  constructor(options: ConnectionsOptions) {
    this.#options = options;
    if ((options.httpClient ?? "auto") === "auto" && options.credentials.proxyUrl === undefined) this.#meter = new BusyMeter();
    const caFile = options.caFile;
    if (caFile !== undefined) {
      this.#caTimer = setInterval(function recheckCa() {
        caFile.reread();
      }, CA_RECHECK_MS);
      this.#caTimer.unref();
    }
  }

  /** The CA new connections trust. */
  #ca(): string | undefined {
    return this.#options.caFile?.pem ?? this.#options.tls.ca;
  }

  /** Aborted by `close()`, with `KubeClientClosedError`. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Which client carries requests now (diagnostics and tests); undefined before the first. */
  get httpClient(): "node" | "undici" | undefined {
    return this.#pool === undefined && this.#streamPool === undefined ? undefined : this.#poolIsNode ? "node" : "undici";
  }

  /**
   * The pool for a request (or, `streaming`, a stream) with a client certificate when it is at
   * hand (the path every request takes), else `undefined`. Each call but a stream's (a watch, a
   * followed log: one long request, however many a process starts at once) counts as a request start.
   */
  current(certPem: string | undefined, streaming = false): ApiPool | undefined {
    if (streaming) return this.#usable(certPem) ? this.#streamPool : undefined;
    if (this.#meter?.started() && this.#poolIsNode) return undefined;
    return this.#usable(certPem) ? this.#pool : undefined;
  }

  /** Whether the current pools (one made at least) fit a client certificate and the client's business. */
  #usable(certPem: string | undefined): boolean {
    return (this.#pool ?? this.#streamPool) !== undefined && certPem === this.#poolCert && this.#poolCa === this.#ca() && !(this.#poolIsNode && this.#wantsUndici());
  }

  /** Whether requests go to undici: through a proxy always (the client here that tunnels), else by the choice. */
  #wantsUndici(): boolean {
    if (this.#meter !== undefined) return this.#meter.busy;
    return this.#options.credentials.proxyUrl !== undefined || this.#options.httpClient !== "node";
  }

  /** The pool for `material`'s client certificate (requests', or `streaming`, streams'), made when there is none for it. */
  async for(material: AuthMaterial, streaming = false): Promise<ApiPool> {
    const options = this.#options;
    if (!this.#wantsUndici()) {
      return this.#pooled(material, true, streaming, (connections) => new NodeHttpsPool(options.origin, { ...options.tls, ca: this.#poolCa, cert: material.certPem, key: material.keyPem }, connections));
    }
    const undici = (this.#undici ??= await loadUndici());
    const proxyUrl = options.credentials.proxyUrl;
    const proxying = proxyUrl === undefined || isSocksProxy(proxyUrl) ? undefined : (this.#proxying ??= (await importModule("undici")) as unknown as ProxyParts);
    // From here on nothing awaits: concurrent callers and close() see one set of pools at a time.
    return this.#pooled(material, false, streaming, (connections) => this.#undiciPool(undici, proxying, material, connections));
  }

  /**
   * The current pool for `material`'s requests (or, `streaming`, streams) on Node's client
   * (`node`) or undici's, made by `make` when missing, given its cap: the requests' `connections`,
   * none for streams (each holds one connection for as long as it runs). Pools that do not fit
   * `material` and the client are replaced first.
   */
  #pooled(material: AuthMaterial, node: boolean, streaming: boolean, make: (connections: number | undefined) => ApiPool): ApiPool {
    if (!this.#usable(material.certPem)) this.#replacePools(material.certPem, node);
    const current = streaming ? this.#streamPool : this.#pool;
    if (current !== undefined) return current;
    const pool = make(streaming ? undefined : this.#options.connections);
    if (streaming) this.#streamPool = pool;
    else this.#pool = pool;
    return pool;
  }

  /** A new undici pool (a `ProxyAgent` through an HTTP(S) proxy) presenting `material`'s certificate, of at most `connections` connections (none: no cap). */
  #undiciPool(undici: UndiciParts, proxying: ProxyParts | undefined, material: AuthMaterial, connections: number | undefined): ApiPool {
    const options = this.#options;
    const proxyUrl = options.credentials.proxyUrl;
    const socks = proxyUrl !== undefined && isSocksProxy(proxyUrl);
    const tls = { ...options.tls, ca: this.#poolCa, cert: material.certPem, key: material.keyPem } as buildConnector.BuildOptions;
    if (proxying !== undefined) {
      pinLlhttpToLiftoff();
      const { headersMs } = options;
      return new proxying.ProxyAgent({
        uri: proxyUrl!,
        ...proxyLogin(proxyUrl!),
        connections,
        requestTls: tls,
        // As Go's transport: an https proxy's certificate is checked against the same CA, and the
        // CONNECT keeps the connect and headers timeouts.
        proxyTls: { ca: this.#poolCa, rejectUnauthorized: !options.credentials.insecureSkipTlsVerify, timeout: options.tls.timeout } as buildConnector.BuildOptions,
        clientFactory: function proxyClient(origin, clientOptions) {
          return new proxying.Pool(origin, { ...clientOptions, headersTimeout: headersMs });
        },
      }) as unknown as ApiPool;
    }
    const connector = undici.buildConnector(tls);
    const target = new URL(options.origin);
    const timeoutMs = options.tls.timeout ?? 0;
    return new undici.Pool(options.origin, {
      connections,
      connect: function connect(connectOptions, callback) {
        // Before undici's first connection compiles its parser (see llhttp-liftoff.ts); not
        // earlier, so a process that never connects never compiles WebAssembly.
        pinLlhttpToLiftoff();
        if (!socks) return void connector(connectOptions, callback);
        // SOCKS5: TLS over the tunnel, by the same connector (server name, CA, connect timeout).
        const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
        openSocks5Tunnel({ proxy: proxyUrl!, host, port: Number(target.port || 443), timeoutMs }).then(
          function tunnelled(socket) {
            // tls.connect throws at once on a bad certificate or key (undici catches that for
            // its own connections): an error for the request, never an unhandled rejection.
            try {
              connector({ ...connectOptions, httpSocket: socket } as buildConnector.Options, callback);
            } catch (error) {
              socket.destroy();
              callback(error as Error, null);
            }
          },
          function refused(error: Error) {
            callback(error, null);
          },
        );
      },
    }) as unknown as ApiPool;
  }

  /** Retires the current pools (if any) for ones presenting `certPem` on `node`'s or undici's client; throws when closed. */
  #replacePools(certPem: string | undefined, node: boolean): void {
    if (this.#closed) throw this.closedError();
    if (this.#pool !== undefined) this.#retire(this.#pool);
    if (this.#streamPool !== undefined) this.#retire(this.#streamPool);
    this.#pool = undefined;
    this.#streamPool = undefined;
    this.#poolCert = certPem;
    this.#poolCa = this.#ca();
    this.#poolIsNode = node;
  }

  /**
   * Whether a request sent now may wait for a connection: the requests `awaiting` an answer take
   * every connection the requests' pool may open (streams are on a pool of their own).
   */
  full(awaiting: number): boolean {
    return awaiting >= this.#options.connections;
  }

  /** Keeps a stream's body to end at `close()`; throws (ending it) when the client is closed already. */
  track(body: ApiResponseBody, released: () => void): void {
    if (this.#closed) {
      // Answered after close(): it would hold the retired pool (and close()) open.
      body.destroy();
      released();
      throw this.closedError();
    }
    const streams = this.#streams;
    streams.add(body);
    body.once("close", function untracked() {
      streams.delete(body);
      released();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#caTimer);
    this.#closing.abort(this.closedError());
    for (const body of this.#streams) body.destroy(this.closedError());
    for (const pool of [this.#pool, this.#streamPool]) if (pool !== undefined) this.#retire(pool);
    this.#pool = undefined;
    this.#streamPool = undefined;
    await Promise.all(this.#retiring);
  }

  /** The error of a request the closed client cannot send. */
  closedError(): KubeClientClosedError {
    return new KubeClientClosedError(`${this.#options.origin}: the client was closed`);
  }

  /** Close `pool` once what it carries has ended; `close()` waits for it. */
  #retire(pool: ApiPool): void {
    const closing = pool.close().catch(function ignored() {});
    this.#retiring.add(closing);
    const retiring = this.#retiring;
    void closing.then(function retired() {
      retiring.delete(closing);
    });
  }
}

/**
 * The `Proxy-Authorization` of a proxy URL with a login, as Go's transport sends it: whenever the
 * URL names a user, with or without a password (`http://TOKEN@proxy:3128`; undici adds it only
 * with both).
 */
function proxyLogin(proxyUrl: string): { token?: string } {
  const { username, password } = new URL(proxyUrl);
  if (!username) return {};
  return { token: `Basic ${Buffer.from(`${decodeURIComponent(username)}:${decodeURIComponent(password)}`).toString("base64")}` };
}
