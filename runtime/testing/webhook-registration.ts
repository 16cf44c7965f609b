/**
 * @module testing/webhook-registration
 * A deployed admission function's webhook registered with the emulated cluster, as on a real
 * one: podfn's webhook server (serve's code) on a free port with a certificate for its
 * Service's name, the Service and webhook configuration `podfn manifests` generates applied
 * with that certificate's CA as `caBundle` (cert-manager's CA injector's work), and the
 * Service's port mapped to the server (`cluster.serviceAddress`). From then on the cluster
 * calls the webhook on the writes its rules match — in other namespaces than the function's
 * own, which the generated `namespaceSelector` always leaves out, as on a real cluster.
 * `stop()` deletes the configuration first (a `Fail` webhook left behind would refuse later
 * writes), then stops the server. A registration that fails part way (the server does not
 * start, the cluster refuses an object) undoes what it made (configurations, Service, server,
 * certificate folder) before it rejects.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import type { KubeClient, KubeObject } from "../kube/api.js";
import type { LoadedFunction } from "../function.js";
import { PodfnError } from "../errors.js";
import { KubeNotFoundError } from "../kube/errors.js";
import { serveAdmission } from "../admission/server.js";
import { generateManifests } from "../deploy/index.js";
import { applyObjects } from "./apply.js";
import { createCertificates, type Cluster } from "./cluster/index.js";

/** A webhook the emulated cluster calls until `stop()`. */
export interface RegisteredWebhook {
  /** The webhook's name in its configuration (`<function>.podfn.<namespace>.podfn.dev`): what the API server's refusals quote. */
  name: string;
  /** Deletes the webhook configuration, then stops the webhook server. */
  stop(): Promise<void>;
}

type WebhookConfiguration = KubeObject & { webhooks: { name: string; clientConfig: { caBundle?: string; service: { name: string; namespace: string; port: number } } }[] };

const CONFIGURATIONS: Record<string, string> = { ValidatingWebhookConfiguration: "validatingwebhookconfigurations", MutatingWebhookConfiguration: "mutatingwebhookconfigurations" };

/**
 * Registers `fn`'s webhook with `cluster` (see the module). `kube` is the client its handler
 * calls the API with (its ServiceAccount's); `admin` applies the configuration.
 */
export async function registerWebhook(fn: LoadedFunction, env: { namespace: string; cluster: Cluster; admin: KubeClient; kube: KubeClient; logger: Logger }): Promise<RegisteredWebhook> {
  if (!fn.admission) throw new PodfnError("not_admission", `${fn.name} has no admission webhook: registerWebhook() registers only functions with \`admission\``);
  const { namespace, cluster, admin } = env;
  const objects = generateManifests([fn], { namespace }).flatMap((g) => g.objects);
  const configurations = objects.filter((o) => o.kind !== undefined && o.kind in CONFIGURATIONS) as WebhookConfiguration[];
  const target = configurations[0]!.webhooks[0]!.clientConfig.service;
  const service = objects.find((o) => o.kind === "Service" && o.metadata?.name === target.name)!;
  const certs = await createCertificates({ dnsNames: [`${target.name}.${target.namespace}.svc`] });
  const dir = await mkdtemp(join(tmpdir(), "podfn-webhook-"));
  const controller = new AbortController();
  let served: Promise<void> | undefined;
  let mapped = false;
  // What this registration made, undone in reverse if a later step fails (and the configurations by stop()).
  const made: KubeObject[] = [];
  const deleteMade = async (kinds: (kind: string) => boolean) => {
    for (const object of [...made].reverse().filter((o) => kinds(o.kind!))) await deleteObject(admin, object);
  };
  // The server stops whatever the deletions did, so the harness can always end.
  // `failed`: the registration's own error is the one to tell, not the server's.
  const release = async (failed: boolean) => {
    try {
      if (mapped) cluster.serviceAddress(target.namespace, target.name, target.port, undefined);
      controller.abort();
      await (failed ? served?.catch(() => undefined) : served);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    const certificate = { certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key") };
    await writeFile(certificate.certFile, certs.certPem);
    await writeFile(certificate.keyFile, certs.keyPem, { mode: 0o600 });
    let url = "";
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    served = serveAdmission({ functions: [fn], kube: env.kube, logger: env.logger, port: 0, host: "127.0.0.1", certificate, onListening: (u) => ((url = u), listening()) }, controller.signal);
    // A server that cannot start rejects `served` (its certificate, its port): that is the error.
    await Promise.race([ready, served]);
    const caBundle = Buffer.from(certs.caPem).toString("base64");
    for (const c of configurations) for (const hook of c.webhooks) hook.clientConfig.caBundle = caBundle;
    for (const object of [service, ...configurations]) {
      await applyObjects(admin, [object]);
      made.push(object);
    }
    cluster.serviceAddress(target.namespace, target.name, target.port, new URL(url).host);
    mapped = true;
  } catch (error) {
    // A failed registration leaves nothing behind: no configuration calling a server that is gone, no Service, no server.
    try {
      await deleteMade(() => true);
    } finally {
      await release(true);
    }
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    name: configurations[0]!.webhooks.find((h) => h.name.startsWith(`${fn.name}.`))!.name,
    stop() {
      stopped ??= (async () => {
        try {
          await deleteMade((kind) => kind in CONFIGURATIONS);
        } finally {
          await release(false);
        }
      })();
      return stopped;
    },
  };
}

/** Deletes an object this module applied (a webhook configuration, the Service); one gone already (a test deleted it, or the cluster stopped) is left. */
async function deleteObject(admin: KubeClient, object: KubeObject): Promise<void> {
  const [group, version] = object.apiVersion!.includes("/") ? (object.apiVersion!.split("/") as [string, string]) : ["", object.apiVersion!];
  const configuration = CONFIGURATIONS[object.kind!];
  const client = configuration !== undefined ? admin.resource({ group, version, resource: configuration, namespaced: false, kind: object.kind! }) : admin.with({ namespace: object.metadata!.namespace! }).services;
  await client.delete(object.metadata!.name!).catch((error: unknown) => {
    if (!(error instanceof KubeNotFoundError)) throw error;
  });
}
