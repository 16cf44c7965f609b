/**
 * @module cluster/webhook-answer
 * A webhook's HTTP answer read as the API server's webhook client reads it (client-go's
 * rest.Request transformResponse and Result.Into, its decoder the universal one of a scheme
 * holding admission.k8s.io v1 and v1beta1):
 * - a status from 200 to 206 is an answer; any other is an error: a `Status` body of status
 *   `Failure` (kind Status, apiVersion v1 or none) says it in its `message`, else
 *   NewGenericServerResponse words it by the code (`the server could not find the requested
 *   resource`, `an error on the server ("<body>") has prevented the request from succeeding`,
 *   ...), the body (its first 2048 bytes, trimmed) quoted only when it is text (`text/*`, or no
 *   Content-Type), `unknown` otherwise;
 * - an empty body is `0-length response with status code: 200 and content type: <type>`;
 * - a body starting with `{` is JSON (`couldn't get version/kind; json parse error: ...`);
 *   anything else is read as YAML (sigs.k8s.io/yaml, apply-yaml), so plain text is a string
 *   (`json: cannot unmarshal string into Go value of type struct { APIVersion ... }`) and a
 *   `key: value` line a review with nothing in it;
 * - a field of the wrong type is the decoder's error (webhook-answer-types: `json: cannot
 *   unmarshal array into Go struct field AdmissionResponse.response.patch of type []uint8`);
 * - an AdmissionReview of the other version (v1beta1 to a v1 review, v1 to a v1beta1 one) does
 *   not convert to the one asked for.
 * What the review says is checked after (webhook-verify). A YAML parse error's text after
 * `yaml: ` is this parser's, not go-yaml's.
 */
import { goJsonError } from "./call.js";
import { goQuote } from "./crd-schema-go.js";
import { ApplyYamlError, readApplyYaml } from "./apply-yaml.js";
import { answerTypeError } from "./webhook-answer-types.js";

type Obj = Record<string, any>;

/** An answer the webhook client makes no AdmissionReview of; the message is client-go's error. */
export class WebhookAnswerError extends Error {
  readonly code = "webhook_answer_unreadable";
}

/** rest.maxUnstructuredResponseTextBytes. */
const MAX_TEXT_BYTES = 2048;

/** The type meta.Interpret decodes a body's apiVersion and kind into, as Go prints it. */
const KIND_PROBE = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** encoding/json's name for the JSON type of `value`. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

/** The universal decoder's reading of `text` as an object: JSON when it starts with `{`, else YAML. */
function decoded(text: string): Obj {
  let value: unknown;
  if (text.trimStart().startsWith("{")) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new WebhookAnswerError(`couldn't get version/kind; json parse error: ${goJsonError(text, error)}`);
    }
  } else {
    try {
      value = readApplyYaml(text).value;
    } catch (error) {
      if (error instanceof ApplyYamlError) throw new WebhookAnswerError(error.message);
      throw new WebhookAnswerError(`error converting YAML to JSON: yaml: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  // `null` decodes to nothing: an empty review.
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new WebhookAnswerError(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(value)} into Go value of type ${KIND_PROBE}`);
  return value as Obj;
}

/** isTextResponse: no Content-Type, or a `text/` one. */
function isText(contentType: string | undefined): boolean {
  return !contentType || contentType.trim().toLowerCase().startsWith("text/");
}

/** NewGenericServerResponse's message for a code, the server's text as it says it. */
function genericMessage(code: number, serverMessage: string): string {
  switch (code) {
    case 409:
      return "the server reported a conflict";
    case 404:
      return "the server could not find the requested resource";
    case 400:
      return "the server rejected our request for an unknown reason";
    case 401:
      return "the server has asked for the client to provide credentials";
    case 403:
      return serverMessage;
    case 406:
      return serverMessage === "" || serverMessage === "unknown" ? "the server was unable to respond with a content type that the client supports" : serverMessage;
    case 415:
      return serverMessage;
    case 405:
      return "the server does not allow this method on the requested resource";
    case 422:
      return "the server rejected our request due to an error in our request";
    case 503:
      return "the server is currently unable to handle the request";
    case 504:
      return "the server was unable to return a response in the time allotted, but may still be processing the request";
    case 429:
      return "the server has received too many requests and has asked us to try again later";
    default:
      if (code >= 500) return `an error on the server (${goQuote(serverMessage)}) has prevented the request from succeeding`;
      return `the server responded with the status code ${code} but did not return more information`;
  }
}

/** The error of a non-2xx answer: its Failure Status's message, else the generic one. */
function statusError(code: number, contentType: string | undefined, body: Buffer): string {
  if (body.length > 0) {
    try {
      const status = decoded(body.toString("utf8"));
      const versionless = status.apiVersion === undefined || status.apiVersion === "" || status.apiVersion === "v1";
      if (status.kind === "Status" && versionless && status.status === "Failure") return typeof status.message === "string" ? status.message : "";
    } catch {
      // Not decodable: the generic error stands.
    }
  }
  const text = isText(contentType) ? body.subarray(0, MAX_TEXT_BYTES).toString("utf8").trim() : "unknown";
  return genericMessage(code, text);
}

/**
 * The AdmissionReview of an answer (`code`, its Content-Type, `body`) to one of `apiVersion`
 * (admission.k8s.io/v1 or v1beta1), or a `WebhookAnswerError` in client-go's words.
 */
export function reviewOfAnswer(code: number, contentType: string | undefined, body: Buffer, apiVersion: string): Obj {
  if (code < 200 || code > 206) throw new WebhookAnswerError(statusError(code, contentType, body));
  if (body.length === 0) throw new WebhookAnswerError(`0-length response with status code: ${code} and content type: ${contentType || "application/json"}`);
  const review = decoded(body.toString("utf8"));
  const typeError = answerTypeError(review, apiVersion.split("/")[1] ?? "v1");
  if (typeError) throw new WebhookAnswerError(typeError);
  // The decoder makes an AdmissionReview of the other version of it, which does not convert to the one asked for.
  const other = apiVersion === "admission.k8s.io/v1" ? "admission.k8s.io/v1beta1" : "admission.k8s.io/v1";
  if (review.apiVersion === other && (review.kind === undefined || review.kind === "" || review.kind === "AdmissionReview")) {
    const [from, to] = [other, apiVersion].map((v) => v.split("/")[1]);
    throw new WebhookAnswerError(`converting (${from}.AdmissionReview) to (${to}.AdmissionReview): unknown conversion`);
  }
  return review;
}
