/**
 * @module http/auth
 * Builds the caller-auth checker of a function from its `http.auth` setting, once at startup.
 * `"none"` has no checker. See `types.ts` for the 401/403 mapping shared by every mode.
 */
import type { HttpAuth } from "../../function.js";
import type { KubeClient } from "../../kube/api.js";
import type { Secret, SecretStore } from "../../secrets.js";
import { bearerAuth } from "./bearer.js";
import { hmacAuth } from "./hmac.js";
import { standardWebhooksKey } from "./signature-schemes.js";
import { serviceAccountAuth, type ServiceAccountAuthOptions } from "./service-account.js";
import type { AuthChecker } from "./types.js";

export type { AuthChecker } from "./types.js";
export type { ServiceAccountAuthOptions } from "./service-account.js";

export interface AuthDeps {
  secrets: SecretStore;
  kube: KubeClient;
  serviceAccount?: ServiceAccountAuthOptions;
}

/** The checker of `auth` and the secret it reads (to verify at startup), if any. */
export function createAuthChecker(auth: HttpAuth, deps: AuthDeps): { checker?: AuthChecker; secret?: Secret } {
  if (auth === "none") return {};
  switch (auth.type) {
    case "bearer": {
      const secret = deps.secrets.secret(auth.secret, auth.env);
      return { checker: bearerAuth(secret, auth.header), secret };
    }
    case "hmac": {
      const secret = deps.secrets.secret(auth.secret, undefined, "key");
      // A Standard Webhooks secret is checked as the key it must hold, at startup too.
      const checked: Secret = auth.scheme === "standard-webhooks" ? { name: secret.name, path: secret.path, value: () => (standardWebhooksKey(secret), secret.value()) } : secret;
      return { checker: hmacAuth(auth, secret), secret: checked };
    }
    case "serviceAccount":
      return { checker: serviceAccountAuth(auth, deps.kube, deps.serviceAccount) };
  }
}
