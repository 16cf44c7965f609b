/**
 * @module test/cluster/auth/helpers
 * Shared by the auth tests: reading the recorded answers of a real API server, an in-memory
 * RbacSource, and the identities the recordings use.
 */
import { readFileSync } from "node:fs";
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
import type { RbacSource, RequestAttributes, UserInfo } from "../../../runtime/testing/cluster/auth/index.js";

/** One recorded request and the real server's answer. */
export interface Fixture {
  note: string;
  request: { method: string; path: string; identity: string; body?: unknown };
  response: { status: number; contentType: string; body: Record<string, unknown> };
}

export function fixture(name: string): Fixture {
  const url = new URL(`../../fixtures/kube-apiserver-1.32/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Fixture;
}

/** The ServiceAccount `golden/robot` of the recordings. */
export const ROBOT = { namespace: "golden", name: "robot", uid: "ab569bb9-4a99-4367-8a49-20f21d1b9eb4" };

export const ROBOT_USER: UserInfo = {
  username: "system:serviceaccount:golden:robot",
  uid: ROBOT.uid,
  groups: ["system:serviceaccounts", "system:serviceaccounts:golden", "system:authenticated"],
  extra: { "authentication.kubernetes.io/credential-id": ["JTI=1f4333b7-1d8c-4e0f-ba4e-d974e1742bb5"] },
};

/** Objects held in memory, read through the RbacSource interface. */
export interface MemoryRbac {
  roles: Role[];
  roleBindings: RoleBinding[];
  clusterRoles: ClusterRole[];
  clusterRoleBindings: ClusterRoleBinding[];
}

export function memorySource(objects: Partial<MemoryRbac>): RbacSource & { objects: MemoryRbac } {
  const all: MemoryRbac = { roles: [], roleBindings: [], clusterRoles: [], clusterRoleBindings: [], ...objects };
  return {
    objects: all,
    roles: (ns) => all.roles.filter((r) => r.metadata?.namespace === ns),
    roleBindings: (ns) => all.roleBindings.filter((b) => b.metadata?.namespace === ns),
    clusterRoles: () => all.clusterRoles,
    clusterRoleBindings: () => all.clusterRoleBindings,
  };
}

/** Request attributes with every field defaulted to empty (a resource request). */
export function attrs(user: UserInfo, fields: Partial<Omit<RequestAttributes, "user">>): RequestAttributes {
  return {
    user,
    verb: "get",
    resourceRequest: true,
    path: "",
    apiGroup: "",
    apiVersion: "v1",
    resource: "",
    subresource: "",
    name: "",
    namespace: "",
    ...fields,
  };
}
