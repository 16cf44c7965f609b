/**
 * @module cluster/service-status
 * A Service's status as 1.32 takes it through `services/status`: decoding defaults a
 * LoadBalancer Service's ingress IPs to `ipMode: VIP` (SetDefaults_Service, LoadBalancerIPMode on
 * by default).
 */

type Obj = Record<string, any>;

/** SetDefaults_Service's status part: a LoadBalancer Service's ingress with an IP and no mode is a VIP. */
export function defaultServiceStatus(svc: Obj): void {
  if (svc.spec?.type !== "LoadBalancer") return;
  const ingress: unknown[] = Array.isArray(svc.status?.loadBalancer?.ingress) ? svc.status.loadBalancer.ingress : [];
  for (const entry of ingress) {
    if (entry && typeof entry === "object" && (entry as Obj).ip && (entry as Obj).ipMode == null) (entry as Obj).ipMode = "VIP";
  }
}
