/**
 * @module testing/local-webhooks
 * The embedded emulated cluster's `LocalWebhookRegistry` (admission/local-registration), for
 * `serve` and `dev`: the webhook configurations `podfn manifests` generates for the admission
 * functions (same rules, failurePolicy, sideEffects, timeoutSeconds, matchConditions,
 * selectors, the namespaceSelector leaving out the functions' namespace and kube-system),
 * applied with the admin client, each webhook calling the local listener by `clientConfig.url`
 * (`<url>/admission/<name>`) and trusting it by `caBundle` (cert-manager's annotation dropped:
 * no CA injector runs here). A registration replaces the previous one: configurations no longer
 * made are deleted. The certificate is `createCertificates()`'s (valid for 127.0.0.1, ::1 and
 * localhost, and the address served on when it is another: an IP SAN, or a DNS one for a name),
 * made once per address and written to a private temp folder that `close()` removes.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isIP } from "node:net";
import type { KubeClient, KubeObject } from "../kube/api.js";
import { KubeNotFoundError } from "../kube/errors.js";
import type { LoadedFunction } from "../function.js";
import { generateManifests } from "../deploy/index.js";
import type { LocalWebhookCertificate, LocalWebhookRegistry, LocalWebhookTarget, RegisteredConfiguration } from "../admission/local-registration.js";
import { applyObjects } from "./apply.js";
import { createCertificates } from "./cluster/index.js";

const RESOURCES = { ValidatingWebhookConfiguration: "validatingwebhookconfigurations", MutatingWebhookConfiguration: "mutatingwebhookconfigurations" } as const;
type Kind = keyof typeof RESOURCES;

type WebhookConfiguration = KubeObject & { kind: Kind; webhooks: { name: string; clientConfig: { url?: string; caBundle?: string; service?: { path?: string } } }[] };

/** The configurations `functions` make, calling `target`. */
function configurations(functions: readonly LoadedFunction[], target: LocalWebhookTarget, options: { namespace: string; app: string }): WebhookConfiguration[] {
  const webhooks = functions.filter((fn) => fn.admission);
  if (webhooks.length === 0) return [];
  const objects = generateManifests(webhooks, options).flatMap((g) => g.objects);
  const caBundle = Buffer.from(target.caPem).toString("base64");
  return objects
    .filter((o): o is WebhookConfiguration => o.kind !== undefined && o.kind in RESOURCES)
    .map((c) => {
      const { annotations: _injector, ...metadata } = c.metadata!;
      const hooks = c.webhooks.map((hook) => ({ ...hook, clientConfig: { url: `${target.url}${hook.clientConfig.service?.path ?? ""}`, caBundle } }));
      return { ...c, metadata, webhooks: hooks };
    });
}

function clientOf(admin: KubeClient, kind: Kind) {
  return admin.resource({ group: "admissionregistration.k8s.io", version: "v1", resource: RESOURCES[kind], namespaced: false, kind });
}

/**
 * The registry of the embedded cluster `admin` administers; `namespace` and `app` as the
 * functions run there (the configurations' names and namespaceSelector follow them).
 */
export function localWebhooks(admin: KubeClient, options: { namespace: string; app: string }): LocalWebhookRegistry & { close(): Promise<void> } {
  /** The certificates made, by the host they are for. */
  const certificates = new Map<string, Promise<{ files: LocalWebhookCertificate; dir: string }>>();
  /** What the last registration applied: `kind/name`. */
  let registered: ReadonlyMap<string, { kind: Kind; name: string }> = new Map();
  return {
    async certificate(host) {
      let certificate = certificates.get(host);
      certificate ??= (async () => {
        const certs = await createCertificates(isIP(host) ? { ipAddresses: [host] } : { dnsNames: [host] });
        const dir = await mkdtemp(join(tmpdir(), "podfn-webhooks-"));
        const files = { certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key"), caPem: certs.caPem };
        await writeFile(files.certFile, certs.certPem);
        await writeFile(files.keyFile, certs.keyPem, { mode: 0o600 });
        return { files, dir };
      })();
      certificates.set(host, certificate);
      return (await certificate).files;
    },
    async register(functions, target) {
      const made = target ? configurations(functions, target, options) : [];
      const now = new Map<string, { kind: Kind; name: string }>(made.map((c) => [`${c.kind}/${c.metadata!.name!}`, { kind: c.kind, name: c.metadata!.name! }]));
      await applyObjects(admin, made);
      for (const [key, gone] of registered) {
        if (now.has(key)) continue;
        await clientOf(admin, gone.kind)
          .delete(gone.name)
          .catch((error: unknown) => {
            if (!(error instanceof KubeNotFoundError)) throw error;
          });
      }
      registered = now;
      return made.map((c): RegisteredConfiguration => ({ kind: c.kind, name: c.metadata!.name!, webhooks: c.webhooks.map((h) => ({ name: h.name, url: h.clientConfig.url! })) }));
    },
    async close() {
      for (const certificate of certificates.values()) {
        const made = await certificate.catch(() => undefined);
        if (made) await rm(made.dir, { recursive: true, force: true });
      }
    },
  };
}
