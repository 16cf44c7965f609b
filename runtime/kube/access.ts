/**
 * @module kube/access
 * Who am I and what may I do: SelfSubjectReview (`whoami`), SelfSubjectAccessReview (`canI`),
 * and TokenReview (validating another caller's token). Review requests create nothing, so they
 * are retried like reads. The reviewed token is sent in the body only, never logged.
 */
import type { TokenReviewStatus } from "kubernetes-types/authentication/v1.js";
import type { AccessDecision, AccessQuery, CallOptions, UserInfo } from "./api.js";
import type { ClientContext } from "./context.js";
import { callSignal } from "./context.js";

function review<R>(context: ClientContext, path: string, body: unknown, options: CallOptions): Promise<R> {
  return context.transport.request<R>({ method: "POST", path, body, signal: callSignal(context, options.signal), logger: context.logger, idempotent: true });
}

/**
 * The identity the client is authenticated as.
 *
 * @example
 * const { username } = await whoami(context); // "system:serviceaccount:ns:name"
 */
export async function whoami(context: ClientContext, options: CallOptions = {}): Promise<UserInfo> {
  const body = { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" };
  const answer = await review<{ status?: { userInfo?: Partial<UserInfo> } }>(context, "/apis/authentication.k8s.io/v1/selfsubjectreviews", body, options);
  const info = answer.status?.userInfo ?? {};
  return { ...info, username: info.username ?? "", groups: info.groups ?? [] };
}

/**
 * Whether the client may do `query` (namespace defaults to the client's; `""` is cluster-wide).
 *
 * @example
 * const { allowed } = await canI(context, { verb: "delete", group: "batch", resource: "jobs" });
 */
export async function canI(context: ClientContext, query: AccessQuery, options: CallOptions = {}): Promise<AccessDecision> {
  const resourceAttributes = {
    namespace: query.namespace ?? context.namespace,
    verb: query.verb,
    group: query.group ?? "",
    resource: query.resource,
    subresource: query.subresource,
    name: query.name,
  };
  const body = { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes } };
  const answer = await review<{ status?: AccessDecision }>(context, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body, options);
  const status = answer.status;
  return { allowed: status?.allowed === true, ...(status?.denied ? { denied: true } : {}), ...(status?.reason ? { reason: status.reason } : {}) };
}

/**
 * Validate someone else's token; needs `create tokenreviews` (ClusterRole `system:auth-delegator`).
 *
 * @example
 * const status = await tokenReview(context, callerToken, ["https://kubernetes.default.svc"]);
 * if (status.authenticated) console.log(status.user?.username);
 */
export async function tokenReview(context: ClientContext, token: string, audiences?: string[], options: CallOptions = {}): Promise<TokenReviewStatus> {
  const body = { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token, ...(audiences ? { audiences } : {}) } };
  const answer = await review<{ status?: TokenReviewStatus }>(context, "/apis/authentication.k8s.io/v1/tokenreviews", body, options);
  return answer.status ?? {};
}
