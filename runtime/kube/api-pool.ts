/**
 * @module kube/api-pool
 * What the transport needs of a pool of connections to the API server, met by undici's `Pool`
 * (and `ProxyAgent`) and by kube/node-https-pool.ts: send a request, get the status, the headers
 * (lowercase names, a repeated field as an array) and a body stream; close once idle.
 */
import type { Readable } from "node:stream";

export interface ApiRequestOptions {
  /** The server's origin: a ProxyAgent needs it with every request; a pool has its own. */
  origin?: string;
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
  signal?: AbortSignal;
  /** From the request's connection to the response headers, in ms; 0: none. */
  headersTimeout?: number;
  /** Longest pause while the body arrives, in ms; 0: none. */
  bodyTimeout?: number;
}

/** An answer body: a byte stream, and its whole text. */
export type ApiResponseBody = Readable & { text(): Promise<string> };

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: ApiResponseBody;
}

export interface ApiPool {
  request(options: ApiRequestOptions): Promise<ApiResponse>;
  /** Closes the connections once the requests running (their answers read) are over. */
  close(): Promise<void>;
}
