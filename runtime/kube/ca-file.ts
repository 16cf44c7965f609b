/**
 * @module kube/ca-file
 * The cluster CA read from a file (a pod's `ca.crt`, a kubeconfig's `certificate-authority`)
 * and read again when it may have changed: during a CA rotation the kubelet swaps the projected
 * `ca.crt` for a bundle of the old and new CAs, then the API server serves a certificate of the
 * new one. A client that read the file once can then never connect again (kubernetes#119483;
 * client-go reloads it since #132922, kube-rs since #1962). The connections look at the file once
 * a minute and after a certificate failure (at most once a second), and open new connections
 * trusting what it holds once its content changed. A file caught missing or half-written in the
 * kubelet's swap keeps the CA known so far.
 */
import { readFileSync } from "node:fs";
import { monotonicMs } from "../clock.js";
import type { KubeLogger } from "./logger.js";

/** Looked at after a certificate failure no more often than this. */
const AFTER_FAILURE_MS = 1000;

/** Every certificate the text begins is ended, and one at least: not a bundle caught half-written. */
function isWholeBundle(pem: string): boolean {
  const begun = pem.split("-----BEGIN CERTIFICATE-----").length - 1;
  const ended = pem.split("-----END CERTIFICATE-----").length - 1;
  return begun > 0 && begun === ended && pem.lastIndexOf("-----BEGIN CERTIFICATE-----") < pem.lastIndexOf("-----END CERTIFICATE-----");
}

export class CaFile {
  #pem: string;
  #lastForced = -Infinity;

  constructor(
    readonly path: string,
    pem: string,
    private readonly logger: KubeLogger,
    private readonly now: () => number = monotonicMs,
  ) {
    this.#pem = pem;
  }

  /** The CA certificates (PEM) new connections trust. */
  get pem(): string {
    return this.#pem;
  }

  /** Reads the file again; true when its content changed (and is taken from now on). */
  reread(): boolean {
    let pem: string;
    try {
      pem = readFileSync(this.path, "utf8");
    } catch {
      return false;
    }
    if (pem === this.#pem || !isWholeBundle(pem)) return false;
    this.#pem = pem;
    this.logger.info({ caFile: this.path }, "kube cluster CA changed: new connections trust the new file");
    return true;
  }

  /** After a certificate failure: reads the file again unless it was read so a moment ago. */
  rereadAfterFailure(): boolean {
    const now = this.now();
    if (now - this.#lastForced < AFTER_FAILURE_MS) return false;
    this.#lastForced = now;
    return this.reread();
  }
}
