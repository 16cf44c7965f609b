/**
 * @module test/functions/helpers/harness
 * The examples' tests run through `podfn/testing`'s harness (each function in its own
 * namespace, as its own ServiceAccount with exactly its generated RBAC), with the caller-auth
 * secrets the examples reference.
 */
import { startHarness as start, type Harness } from "podfn/testing";

export { clientFor, ensureNamespace, finishJob, type Deployed, type Harness } from "podfn/testing";

/** Caller-auth secrets every example may need, by name. */
export const SECRETS = {
  "api-token": "test-api-token-0123456789",
  "alertmanager-token": "test-alertmanager-token-0123456789",
  "github-webhook-secret": "test-github-secret-0123456789",
} as const;

/** The emulated cluster with the examples' secrets. */
export function startHarness(): Promise<Harness> {
  return start({ secrets: SECRETS });
}

/** The JSON body of a response, untyped for assertions. */
export function json(res: Response): Promise<any> {
  return res.json();
}

/** `Authorization` header carrying the named test secret. */
export function bearer(secret: keyof typeof SECRETS): Record<string, string> {
  return { authorization: `Bearer ${SECRETS[secret]}` };
}

export { until } from "../../helpers/until.js";
