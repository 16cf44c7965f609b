/**
 * @module kube/connections
 * The connections to one API server and their life: an undici `Pool` per client certificate
 * (a `ProxyAgent` tunnelling through an HTTP(S) proxy with CONNECT; a SOCKS5 tunnel per connection,
 * kube/socks5.ts), made (and undici loaded) on
 * first use. A certificate an exec plugin renews gets a new pool: later requests open
 * connections presenting it, and the old pool closes once its requests in flight (streams
 * included) end, as client-go's connection rotation does. `close()` ends open streams at once,
 * wakes the waits tied to `closing`, and fails later requests with `KubeClientClosedError`.
 */
import type { Dispatcher, Pool, ProxyAgent, buildConnector } from "undici";
import { KubeClientClosedError } from "./errors.js";
import type { AuthMaterial, Credentials } from "./auth.js";
import { loadUndici, type UndiciParts } from "./undici.js";
import { importModule } from "../dynamic-import.js";
import { pinLlhttpToLiftoff } from "./llhttp-liftoff.js";
import { isSocksProxy } from "./proxy.js";
import { openSocks5Tunnel } from "./socks5.js";

/** What a proxy-url needs of the full undici package. */
interface ProxyParts {
  ProxyAgent: typeof ProxyAgent;
  Pool: typeof Pool;
}

export interface ConnectionsOptions {
  origin: string;
  credentials: Credentials;
  /** TLS to the API server (CA, verification, server name, connect timeout). */
  tls: buildConnector.BuildOptions;
  connections: number;
  /** The headers timeout, which a proxy's CONNECT keeps too. */
  headersMs: number;
}

export class Connections {
  readonly #options: ConnectionsOptions;
  #undici: UndiciParts | undefined;
  /** The full undici package, when a proxy-url needs its ProxyAgent. */
  #proxying: ProxyParts | undefined;
  /** The pool new requests go to, and the client certificate its connections present. */
  #pool: Dispatcher | undefined;
  #poolCert: string | undefined;
  /** Pools of replaced certificates (and the last one, on `close()`), until closed. */
  readonly #retiring = new Set<Promise<void>>();
  /** Bodies of open streams, ended by `close()`. */
  readonly #streams = new Set<Dispatcher.ResponseData["body"]>();
  #closed = false;
  readonly #closing = new AbortController();

  constructor(options: ConnectionsOptions) {
    this.#options = options;
  }

  /** Aborted by `close()`, with `KubeClientClosedError`. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The pool for a client certificate when it is at hand (the path every request takes), else `undefined`. */
  current(certPem: string | undefined): Dispatcher | undefined {
    return this.#pool !== undefined && certPem === this.#poolCert ? this.#pool : undefined;
  }

  /** The pool for `material`'s client certificate, made when there is none for it. */
  async for(material: AuthMaterial): Promise<Dispatcher> {
    const options = this.#options;
    const undici = (this.#undici ??= await loadUndici());
    const proxyUrl = options.credentials.proxyUrl;
    const socks = proxyUrl !== undefined && isSocksProxy(proxyUrl);
    const proxying = proxyUrl === undefined || socks ? undefined : (this.#proxying ??= (await importModule("undici")) as unknown as ProxyParts);
    // From here on nothing awaits: concurrent callers and close() see one pool at a time.
    const current = this.current(material.certPem);
    if (current !== undefined) return current;
    if (this.#closed) throw this.#closedError();
    if (this.#pool !== undefined) this.#retire(this.#pool);
    this.#poolCert = material.certPem;
    const tls = { ...options.tls, cert: material.certPem, key: material.keyPem };
    if (proxying !== undefined) {
      pinLlhttpToLiftoff();
      const { headersMs } = options;
      return (this.#pool = new proxying.ProxyAgent({
        uri: proxyUrl!,
        connections: options.connections,
        requestTls: tls,
        // As Go's transport: an https proxy's certificate is checked against the same CA, and the
        // CONNECT keeps the connect and headers timeouts.
        proxyTls: { ca: options.credentials.caPem, rejectUnauthorized: !options.credentials.insecureSkipTlsVerify, timeout: options.tls.timeout } as buildConnector.BuildOptions,
        clientFactory: function proxyClient(origin, clientOptions) {
          return new proxying.Pool(origin, { ...clientOptions, headersTimeout: headersMs });
        },
      }));
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
    }));
  }

  /** Keeps a stream's body to end at `close()`; throws (ending it) when the client is closed already. */
  track(body: Dispatcher.ResponseData["body"], released: () => void): void {
    if (this.#closed) {
      // Answered after close(): it would hold the retired pool (and close()) open.
      body.destroy();
      released();
      throw this.#closedError();
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
    this.#closing.abort(this.#closedError());
    for (const body of this.#streams) body.destroy(this.#closedError());
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool !== undefined) this.#retire(pool);
    await Promise.all(this.#retiring);
  }

  #closedError(): KubeClientClosedError {
    return new KubeClientClosedError(`${this.#options.origin}: the client was closed`);
  }

  /** Close `pool` once what it carries has ended; `close()` waits for it. */
  #retire(pool: Dispatcher): void {
    const closing = pool.close().catch(function ignored() {});
    this.#retiring.add(closing);
    const retiring = this.#retiring;
    void closing.then(function retired() {
      retiring.delete(closing);
    });
  }
}
