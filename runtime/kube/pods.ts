/**
 * @module kube/pods
 * Pods: the resource verbs plus logs (whole, or followed line by line) and eviction through
 * the policy/v1 Eviction subresource, which honours PodDisruptionBudgets.
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import type { Status } from "kubernetes-types/meta/v1.js";
import type { DeleteOptions, LogOptions, PodClient, WriteOptions } from "./api.js";
import { callSignal, writeQuery } from "./context.js";
import { readLines } from "./lines.js";
import { Resource, deleteOptionsBody } from "./resource-client.js";

function logQuery(options: LogOptions, follow: boolean): Record<string, string | number | boolean | undefined> {
  return {
    container: options.container,
    tailLines: options.tailLines,
    sinceSeconds: options.sinceSeconds,
    timestamps: options.timestamps || undefined,
    previous: options.previous || undefined,
    follow: follow || undefined,
  };
}

/** Implements `PodClient`. */
export class Pods extends Resource<Pod> implements PodClient {
  async logs(name: string, options: LogOptions = {}): Promise<string> {
    return this.request<string>("GET", this.path(options.namespace, name, "log"), options, { query: logQuery(options, false), text: true });
  }

  async *streamLogs(name: string, options: LogOptions = {}): AsyncGenerator<string, void, undefined> {
    const transport = this.context.transport;
    const request = { method: "GET", path: this.path(options.namespace, name, "log"), query: logQuery(options, true), signal: callSignal(this.context, options.signal), logger: this.context.logger };
    const response = await transport.stream(request);
    try {
      yield* readLines(response.body);
    } catch (error) {
      // A dropped connection is a `KubeConnectionError` naming the pod's log, as for every request.
      throw transport.readFailure(request, error);
    } finally {
      response.body.destroy();
    }
  }

  async evict(name: string, options: WriteOptions & { deleteOptions?: Omit<DeleteOptions, "namespace" | "signal"> } = {}): Promise<Status> {
    const namespace = options.namespace ?? this.context.namespace;
    // The eviction's own dryRun is the one its DeleteOptions carry, or the call's or client's.
    const query = writeQuery(this.context, { dryRun: options.dryRun || options.deleteOptions?.dryRun }, false);
    const body = {
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name, namespace },
      ...(options.deleteOptions || query.dryRun ? { deleteOptions: deleteOptionsBody(options.deleteOptions ?? {}, query.dryRun !== undefined) } : {}),
    };
    return this.request<Status>("POST", this.path(namespace, name, "eviction"), options, { query, body });
  }
}
