/**
 * Shared by the examples that pass a caller's `labelSelector` to the API server (`_` files are
 * not functions): the server's 400 for a selector it cannot parse is the caller's bad input —
 * a 400 naming the field, not the 500 of a failed call.
 */
import { InputError, KubeApiError } from "podfn";

/**
 * `error` as the caller's invalid `field` when the API server refused the request as malformed
 * (400: a selector it cannot parse), else `error` itself.
 *
 * @example
 * try { for await (const pod of kube.pods.list({ labelSelector })) ... } catch (error) { throw asSelectorInput(error, "labelSelector"); }
 */
export function asSelectorInput(error: unknown, field: string): unknown {
  if (!(error instanceof KubeApiError) || error.statusCode !== 400) return error;
  const message = error.status.message ?? "the API server refused it";
  return new InputError(`invalid input: ${field}: ${message}`, [{ path: field, message }]);
}
