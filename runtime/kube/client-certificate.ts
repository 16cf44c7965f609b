/**
 * @module kube/client-certificate
 * A client certificate and its key, checked to belong together before either is presented, as
 * client-go's TLSConfigFor checks them (tls.X509KeyPair) before any request: a pair that does
 * not, or a certificate or key that cannot be read, is a `KubeCredentialsError` (bad
 * configuration, never retried), not an API server that cannot be reached. The check runs at
 * the first request, so a process that never calls the API never loads `node:crypto` for it.
 */
import { KubeCredentialsError } from "./errors.js";
import { staticAuth, type AuthMaterial, type AuthProvider } from "./auth.js";
import { nodeCrypto } from "../node-builtins.js";

/** OpenSSL's code of a parse failure, e.g. `ERR_OSSL_PEM_NO_START_LINE`. */
const codeOf = (error: unknown): string => String((error as { code?: unknown }).code ?? (error as Error).message);

/**
 * Throws a `KubeCredentialsError` naming `where` unless `certPem` is a certificate whose public
 * key is that of the private key `keyPem`. Neither value is ever part of the message.
 *
 * @example
 * checkClientCertificate(certPem, keyPem, `${path}: user "admin"`);
 */
export function checkClientCertificate(certPem: string, keyPem: string, where: string): void {
  const { X509Certificate, createPrivateKey } = nodeCrypto();
  let certificate: InstanceType<typeof X509Certificate>;
  try {
    certificate = new X509Certificate(certPem);
  } catch (error) {
    throw new KubeCredentialsError(`${where}: the client certificate cannot be read as a PEM certificate (${codeOf(error)})`);
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new KubeCredentialsError(`${where}: the client key cannot be read as an unencrypted PEM private key (${codeOf(error)})`);
  }
  if (!certificate.checkPrivateKey(key)) throw new KubeCredentialsError(`${where}: the client key does not belong to the client certificate (its public key is another's)`);
}

/**
 * `staticAuth` of a fixed client certificate and key (a kubeconfig's, explicit options'), checked
 * once, at the first request: a pair that does not belong together fails every request with the
 * same `KubeCredentialsError`.
 *
 * @example
 * const auth = clientCertificateAuth(certPem, keyPem, `${path}: user "admin"`);
 */
export function clientCertificateAuth(certPem: string, keyPem: string, where: string): AuthProvider {
  const material: AuthMaterial = { certPem, keyPem };
  const fixed = staticAuth(material, `client certificate (${where})`);
  let checked = false;
  let problem: KubeCredentialsError | undefined;
  function current(): AuthMaterial {
    if (checked) return material;
    if (problem) throw problem;
    try {
      checkClientCertificate(certPem, keyPem, where);
    } catch (error) {
      throw (problem = error as KubeCredentialsError);
    }
    checked = true;
    return material;
  }
  return { ...fixed, current, get: async () => current() };
}
