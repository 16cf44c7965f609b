/**
 * @module cluster/pod-connect
 * The pod subresources a real server hands to the kubelet: `exec`, `attach` and `portforward`
 * (connect: GET or POST) and `log`. No kubelet runs here, so this answers what the real
 * registry answers before it would dial one (pkg/registry/core/pod/strategy.go streamLocation,
 * PortForwardLocation, LogLocation; handlers/rest.go ConnectResource; the upgrade-aware proxy):
 * a missing pod is 404, a bad or missing container name 400, a pod with no `spec.nodeName`
 * 400 `pod X does not have a host assigned` (its log: 204 No Content), a node that is not
 * stored 404; past that, connect without an upgrade is 400 `Upgrade request required`, and
 * a log is the text a test set with `setPodLog` (the emulated kubelet's answer). Log options are
 * validated first (see `pod-log-options`). A connect's options are decoded from the query
 * first (`pod-connect-options`: a port that does not parse is a 400), then its admission
 * webhooks are called (CONNECT, on those options), before any of the rest, which uses the
 * options as the mutating ones left them, as there.
 */
import type { Call, Reply } from "./call.js";
import { connectOptions } from "./pod-connect-options.js";
import { validatePodLogOptions } from "./pod-log-options.js";
import { badRequest, notFound, plainError, routeMethodNotAllowed } from "./status.js";
import { admitConnect } from "./webhook-admission.js";

type Obj = Record<string, any>;

/** The connect subresources of pods. */
export const POD_CONNECT = new Set(["exec", "attach", "portforward"]);

/** validateContainer: the named container (any kind), or the only one when none is named. */
export function podContainer(pod: Obj, requested: string): string {
  const spec: Obj = pod.spec ?? {};
  const name = pod.metadata.name as string;
  const containers: Obj[] = spec.containers ?? [];
  // podutil.VisitContainers with every kind enabled: init, regular, then ephemeral containers.
  const all: string[] = [...(spec.initContainers ?? []), ...containers, ...(spec.ephemeralContainers ?? [])].map((c: Obj) => c.name);
  if (!requested) {
    if (containers.length === 1) return containers[0]!.name;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(" ")}]`);
  }
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

function storedPod(call: Call): Obj {
  const pod = call.registry.store.get(call.def, call.info.namespace, call.info.name);
  if (!pod) throw notFound(call.def, call.info.name);
  return pod.obj;
}

/** The kubelet-preferred-address-types default order. */
const PREFERRED_ADDRESS_TYPES = ["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"];


/**
 * NodeConnectionInfoGetter.GetConnectionInfo: the Node from the registry (404 `nodes "x" not
 * found`), its preferred address (a plain error without one) and kubelet port.
 */
function kubeletAddress(call: Call, nodeName: string): string {
  const nodes = call.registry.core("nodes");
  const node = call.registry.store.get(nodes, "", nodeName);
  if (!node) throw notFound(nodes, nodeName);
  const addresses: Obj[] = node.obj.status?.addresses ?? [];
  const host = PREFERRED_ADDRESS_TYPES.map((type) => addresses.find((a) => a.type === type)?.address).find((a) => a);
  if (!host) throw plainError(`no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(" ")}]`);
  const port = node.obj.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250;
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * GET or POST pods/{name}/exec, attach or portforward; the webhooks of its CONNECT first
 * (ConnectResource admits before the connecter looks at the pod, then connects with the
 * options as they left them).
 */
export async function podConnect(call: Call, upgrade: boolean): Promise<Reply> {
  const { info } = call;
  if (info.verb !== "get" && info.verb !== "create") throw routeMethodNotAllowed();
  if (call.query.has("dryRun")) throw badRequest("dryRun is not supported");
  const options = connectOptions(call);
  // Connect is given the options the mutating webhooks left.
  const admitted = await admitConnect(call, { group: "", version: "v1", kind: options.kind }, options.object);
  const pod = storedPod(call);
  // PortForwardLocation names no container; exec and attach check it before the node.
  if (info.subresource !== "portforward") podContainer(pod, admitted.container ?? "");
  const nodeName: string = pod.spec?.nodeName ?? "";
  if (!nodeName) throw badRequest(`pod ${info.name} does not have a host assigned`);
  const address = kubeletAddress(call, nodeName);
  // newThrottledUpgradeAwareProxyHandler(..., upgradeRequired true): a plain request stops here.
  if (!upgrade) throw badRequest("Upgrade request required");
  // No kubelet listens: the proxy's dial fails and the responder writes the plain error.
  throw plainError(`error dialing backend: dial tcp ${address}: connect: connection refused`);
}

/** GET pods/{name}/log: 204 with no node; else the text set by the test (`setPodLog`), or empty. */
export function podLog(call: Call): Reply {
  const { info, registry } = call;
  // LogREST.Get validates the options before it looks the pod up.
  validatePodLogOptions(call);
  const pod = storedPod(call);
  const container = podContainer(pod, call.query.get("container") ?? "");
  const nodeName: string = pod.spec?.nodeName ?? "";
  // LogLocation returns no location; the LocationStreamer has no stream: StreamObject answers 204.
  if (!nodeName) return { status: 204, body: "", contentType: "text/plain" };
  kubeletAddress(call, nodeName);
  let text = registry.logs.get(`${info.namespace}/${info.name}/${container}`) ?? registry.logs.get(`${info.namespace}/${info.name}`) ?? "";
  const tail = Number(call.query.get("tailLines") ?? "");
  if (call.query.has("tailLines") && Number.isInteger(tail) && tail >= 0) {
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    text = lines.slice(Math.max(0, lines.length - tail)).map((l) => `${l}\n`).join("");
  }
  return { status: 200, body: text, contentType: "text/plain" };
}
