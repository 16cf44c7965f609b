/**
 * @module test/watch/status-helpers
 * What the tests of a watch's `status` share: a Backup custom resource with a status
 * subresource (its status open to any field), each file's setup (`backupsTestFile`: its cluster,
 * the CRD applied, the Backups), `deployed` (helpers.ts: functions deployed with their generated
 * RBAC, each workload's watches run as its ServiceAccount), a client that counts the status
 * writes (and may do something just before one), and a Backup's condition read back.
 */
import type { KubeClient, KubeObject, ResourceClient, ResourceType } from "../../runtime/kube/api.js";
import { applyObjects } from "../../runtime/testing/apply.js";
import { before } from "node:test";
import { clusterForFile } from "../helpers/cluster-clients.js";
import { wrappingResourceMethod } from "./helpers.js";

export { deployed } from "./helpers.js";

export const NS = "default";

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface Backup extends KubeObject {
  spec?: { target?: string };
  status?: { conditions?: Condition[]; observedGeneration?: number; [field: string]: unknown };
}

export const BACKUPS: ResourceType<Backup> = { group: "status.example.com", version: "v1", resource: "backups", kind: "Backup", namespaced: true };

export const BACKUPS_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "backups.status.example.com" },
  spec: {
    group: "status.example.com",
    scope: "Namespaced",
    names: { plural: "backups", kind: "Backup" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { target: { type: "string" } } }, status: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } } },
      },
    ],
  },
};

/** A Backup of `target` in the suite `suite` (its label). */
export const backup = (name: string, suite: string, target = "db"): Backup => ({ apiVersion: "status.example.com/v1", kind: "Backup", metadata: { name, namespace: NS, labels: { suite } }, spec: { target } });

/** The condition `type` of `object`, if it has one. */
export const conditionOf = (object: Backup | KubeObject, type = "Ready"): Condition | undefined => (object as Backup).status?.conditions?.find((c) => c.type === type);

/** RFC 3339 in seconds, as metav1.Time encodes it. */
export const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * `kube` with its resource clients' `patchStatus` counted (`writes`, by object name; `answers`,
 * `written` or the error's code), `before` awaited just before each is sent (its number, from 1,
 * and the object's name).
 */
export function countingStatusWrites(kube: KubeClient, before?: (n: number, name: string) => Promise<void>): { kube: KubeClient; writes: string[]; answers: string[] } {
  const writes: string[] = [];
  const answers: string[] = [];
  const wrapped = wrappingResourceMethod(kube, "patchStatus", async (send, args) => {
    const name = args[0] as string;
    writes.push(name);
    await before?.(writes.length, name);
    try {
      const written = await send(...args);
      answers.push("written");
      return written;
    } catch (error) {
      answers.push((error as { code?: string }).code ?? "error");
      throw error;
    }
  });
  return { kube: wrapped, writes, answers };
}

/**
 * What each status test file sets up: its cluster (`file`), and before its tests an admin client
 * with the Backup CRD applied (`admin()`), the Backups (`backups()`) and one read back (`read`).
 */
export function backupsTestFile(): { file: ReturnType<typeof clusterForFile>; admin: () => KubeClient; backups: () => ResourceClient<Backup>; read: (name: string) => Promise<Backup> } {
  const file = clusterForFile(NS);
  let admin: KubeClient;
  before(async () => {
    admin = await file.client();
    await applyObjects(admin, [BACKUPS_CRD]);
  });
  const backups = () => admin.resource(BACKUPS);
  return { file, admin: () => admin, backups, read: (name) => backups().get(name) };
}
