/**
 * @module kube/connections
 * The connections to one API server and their life: a pool per client certificate, made on
 * first use — Node's HTTPS client while the client is quiet, undici's `Pool` once it is busy
 * (kube/http-client-choice.ts; undici loaded then), and undici always through a proxy (a
 * `ProxyAgent` tunnelling through an HTTP(S) proxy with CONNECT; a SOCKS5 tunnel per connection,
 * kube/socks5.ts). A client turning busy gets an undici pool the same way a renewed certificate
 * gets a new pool. A certificate an exec plugin renews gets a new pool: later requests open
 * connections presenting it, and the old pool closes once its requests in flight (streams
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
  /** The pool new requests go to, the client certificate its connections present, and whether it is Node's. */
  #pool: ApiPool | undefined;
  #poolCert: string | undefined;
  /** The CA the current pool's connections trust. */
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
    return this.#pool === undefined ? undefined : this.#poolIsNode ? "node" : "undici";
  }

  /**
   * The pool for a request with a client certificate when it is at hand (the path every
   * request takes), else `undefined`. Each call but a stream's (a watch, a followed log: one
   * long request, however many a process starts at once) counts as a request start.
   */
  current(certPem: string | undefined, streaming = false): ApiPool | undefined {
    if (!streaming && this.#meter?.started() && this.#poolIsNode) return undefined;
    return this.#usable(certPem) ? this.#pool : undefined;
  }

  /** Whether the current pool fits a client certificate and the client's business. */
  #usable(certPem: string | undefined): boolean {
    return this.#pool !== undefined && certPem === this.#poolCert && this.#poolCa === this.#ca() && !(this.#poolIsNode && this.#wantsUndici());
  }

  /** Whether requests go to undici: through a proxy always (the client here that tunnels), else by the choice. */
  #wantsUndici(): boolean {
    if (this.#meter !== undefined) return this.#meter.busy;
    return this.#options.credentials.proxyUrl !== undefined || this.#options.httpClient !== "node";
  }

  /** The pool for `material`'s client certificate, made when there is none for it. */
  async for(material: AuthMaterial): Promise<ApiPool> {
    const options = this.#options;
    if (!this.#wantsUndici()) return this.#nodePool(material);
    const undici = (this.#undici ??= await loadUndici());
    const proxyUrl = options.credentials.proxyUrl;
    const socks = proxyUrl !== undefined && isSocksProxy(proxyUrl);
    const proxying = proxyUrl === undefined || socks ? undefined : (this.#proxying ??= (await importModule("undici")) as unknown as ProxyParts);
    // From here on nothing awaits: concurrent callers and close() see one pool at a time.
    if (this.#usable(material.certPem)) return this.#pool!;
    this.#replacePool(material.certPem, false);
    const tls = { ...options.tls, ca: this.#poolCa, cert: material.certPem, key: material.keyPem } as buildConnector.BuildOptions;
    if (proxying !== undefined) {
      pinLlhttpToLiftoff();
      const { headersMs } = options;
      return (this.#pool = new proxying.ProxyAgent({
        uri: proxyUrl!,
        ...proxyLogin(proxyUrl!),
        connections: options.connections,
        requestTls: tls,
        // As Go's transport: an https proxy's certificate is checked against the same CA, and the
        // CONNECT keeps the connect and headers timeouts.
        proxyTls: { ca: this.#poolCa, rejectUnauthorized: !options.credentials.insecureSkipTlsVerify, timeout: options.tls.timeout } as buildConnector.BuildOptions,
        clientFactory: function proxyClient(origin, clientOptions) {
          return new proxying.Pool(origin, { ...clientOptions, headersTimeout: headersMs });
        },
      }) as unknown as ApiPool);
    }
    const connector = undici.buildConnector(tls);
    const target = new URL(options.origin);
    const timeoutMs = options.tls.timeout ?? 0;
    return (this.#pool = new undici.Pool(options.origin, {
      connections: options.connections,
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
    }) as unknown as ApiPool);
  }

  /** Node's pool for `material` (made, with the certificate, when the current one does not fit). */
  #nodePool(material: AuthMaterial): ApiPool {
    if (this.#usable(material.certPem)) return this.#pool!;
    this.#replacePool(material.certPem, true);
    const pool = new NodeHttpsPool(this.#options.origin, { ...this.#options.tls, ca: this.#poolCa, cert: material.certPem, key: material.keyPem }, this.#options.connections);
    return (this.#pool = pool);
  }

  /** Retires the current pool (if any) for one presenting `certPem` on `node`'s or undici's client; throws when closed. */
  #replacePool(certPem: string | undefined, node: boolean): void {
    if (this.#closed) throw this.closedError();
    if (this.#pool !== undefined) this.#retire(this.#pool);
    this.#pool = undefined;
    this.#poolCert = certPem;
    this.#poolCa = this.#ca();
    this.#poolIsNode = node;
  }

  /**
   * Whether a request sent now may wait for a connection: the open streams and the requests
   * `awaiting` an answer take every connection the pool may open (each stream holds one for as
   * long as it runs).
   */
  full(awaiting: number): boolean {
    return this.#streams.size + awaiting >= this.#options.connections;
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
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool !== undefined) this.#retire(pool);
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
