/**
 * @module testing
 * The `podfn/testing` entry: an emulated Kubernetes API server (`startCluster`) that speaks
 * the real wire protocol over HTTPS, for tests and local runs of functions. Prefer it over
 * mocks: the client, RBAC and error handling of a function are exercised exactly as against a
 * real cluster.
 */
export { startCluster } from "./cluster/index.js";
export { startHarness, clientFor, ensureNamespace, type Harness, type HarnessOptions, type Deployed, type DeployOptions } from "./harness.js";
export { AsyncCallFailedError, type AsyncCallFailure } from "./async-calls.js";
export { WatchCallFailedError, type RunningWatches, type WatchOptions } from "./watching.js";
export { UnknownSecretError, NotBearerAuthError } from "./caller-secrets.js";
export type { WatchCallFailure } from "../watch/watcher.js";
export { until, UntilTimeoutError, HarnessStoppedError } from "./until.js";
export { finishJob, type FinishJobOptions } from "./finish-job.js";
export { admissionReview, ReviewRefusedError, type ReviewFields, type ReviewResult } from "./admission.js";
export type { ReviewObjectOf, ScheduleNameOf } from "./typed-calls.js";
export { MatchConditionError } from "./admission-conditions.js";
export type { RegisteredWebhook } from "./webhook-registration.js";
export { grantCronJobPermissions, grantDeclaredPermissions, type GrantOptions } from "./grant.js";
export { applyObjects, type Applied } from "./apply.js";
export { applyManifests, readManifests, ManifestError } from "./manifest-files.js";
export type {
  AccessRecord,
  Cluster,
  ClusterOptions,
  FaultMatch,
  FaultRule,
  RequestRecord,
  ResourceTypeSpec,
  ServiceAccountCredentials,
  ServiceAccountOptions,
} from "./cluster/index.js";
