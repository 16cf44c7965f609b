/**
 * @module podfn
 * The public entry point: what a function module imports. `podfn/testing` is the second entry
 * (the emulated cluster and helpers to invoke functions in tests).
 *
 * @example
 * import { z } from "zod";
 * import { defineFunction } from "podfn";
 *
 * export default defineFunction({
 *   name: "hello",
 *   http: { method: "GET", auth: "none" },
 *   input: z.object({ who: z.string().default("world") }),
 *   handler: ({ input }) => ({ hello: input.who }),
 * });
 */
export { defineFunction, isPodfnFunction, reply, isReply, condition, requeueAfter, isConditionReport } from "./function.js";
export { RequeueAfterError } from "./watch/requeue-after.js";
export type {
  FunctionDefinition,
  FunctionContext,
  PodfnFunction,
  LoadedFunction,
  PermissionRule,
  PermissionVerb,
  EgressRule,
  HttpTrigger,
  HttpAuth,
  HttpMethod,
  BearerAuth,
  HmacAuth,
  ServiceAccountAuth,
  NoAuth,
  ScheduleEntry,
  FunctionResources,
  ResourceAmounts,
  WatchTrigger,
  WatchCallEvent,
  WatchEventName,
  WatchedResourceType,
  LoadedWatch,
  Trigger,
  Reply,
  ConditionReport,
} from "./function.js";
export type { BuiltInObjectTypes, BuiltInWatchName, WatchedObjectType, WatchEntryType } from "./watch/object-types.js";
export type { AdmissionFunction } from "./function.js";
export type {
  AdmissionCall,
  AdmissionContext,
  AdmissionDecision,
  AdmissionFunctionDefinition,
  AdmissionMatchCondition,
  AdmissionOperation,
  AdmissionRequest,
  AdmissionResponse,
  AdmissionReview,
  AdmissionRule,
  AdmissionStatus,
  AdmissionTrigger,
  AdmissionUserInfo,
  AdmissionWebhookType,
  LoadedAdmission,
  MutatingDecision,
} from "./admission/types.js";
export { PodfnError, ConfigError, DefinitionError, HttpError, InputError, TimeoutError } from "./errors.js";
export type { PodfnErrorCode, KubeErrorCode, KubeApiErrorCode } from "./error-codes.js";
export { ShutdownError } from "./lifecycle.js";
export { SecretMissingError } from "./secrets.js";
export { loadFunctions, LoadError } from "./loader.js";
export { invoke, OutputError, type InvokeOptions } from "./invoke.js";
export { loadConfig, type Config } from "./config.js";
export { createLogger, type Logger, type LoggerOptions } from "./log.js";
export type * from "./kube/api.js";
export {
  createKubeClient,
  resolveCredentials,
  retryOnConflict,
  KubeApiError,
  KubeNotFoundError,
  KubeAlreadyExistsError,
  KubeConflictError,
  KubeForbiddenError,
  KubeUnauthorizedError,
  KubeInvalidError,
  KubeGoneError,
  KubeTooManyRequestsError,
  KubeClientClosedError,
  KubeConnectionError,
  KubeTlsError,
  KubeCredentialsError,
  KubeArgumentError,
  CertificateDecidedError,
  NoCredentialsError,
  isKubeError,
} from "./kube/index.js";
export type { Credentials, KubeClientOptions, KubeErrorOf, MissingPermission } from "./kube/index.js";
