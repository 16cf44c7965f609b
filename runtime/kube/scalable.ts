/**
 * @module kube/scalable
 * Resources with a `scale` subresource (Deployments, StatefulSets, ReplicaSets, and custom
 * resources that declare one): read it, and set `spec.replicas` with a merge patch of it.
 */
import type { Scale } from "kubernetes-types/autoscaling/v1.js";
import type { CallOptions, KubeObject, NamespaceOption, ScalableResourceClient, WriteOptions } from "./api.js";
import { Resource } from "./resource-client.js";

/** Implements `ScalableResourceClient<T>`. */
export class ScalableResource<T extends KubeObject> extends Resource<T> implements ScalableResourceClient<T> {
  async getScale(name: string, options: CallOptions & NamespaceOption = {}): Promise<Scale> {
    return this.request<Scale>("GET", this.path(options.namespace, name, "scale"), options);
  }

  async scale(name: string, replicas: number, options: WriteOptions = {}): Promise<Scale> {
    return this.patchRaw<Scale>(name, { spec: { replicas } }, { ...options, type: "merge" }, "scale");
  }
}
