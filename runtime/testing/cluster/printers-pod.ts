/**
 * @module cluster/printers-pod
 * The Ready, Status and Restarts cells of a pod's table row, as 1.32's printPod
 * (pkg/printers/internalversion/printers.go) works them out: init containers first
 * (`Init:N/M`, `Init:<reason>`, `Init:ExitCode:N`; a started sidecar, an init container with
 * restartPolicy Always, counts toward READY), then, once initialized, the containers from last to
 * first (a waiting or terminated reason, a container counted ready only while running); a
 * PodScheduled condition with reason SchedulingGated gives `SchedulingGated`, a deletion
 * `Terminating` unless the phase is Succeeded or Failed (`Unknown` for a NodeLost pod).
 */
import { humanDuration } from "./duration.js";
import type { Obj } from "./printer-columns.js";

/** The cells: Ready (`n/m`), Status, Restarts (`3 (5m ago)` with the latest restart's age). */
export interface PodCells {
  ready: string;
  status: string;
  restarts: string;
}

const isSidecar = (c: Obj | undefined) => c?.restartPolicy === "Always";
const conditionTrue = (pod: Obj, type: string) => ((pod.status?.conditions ?? []) as Obj[]).some((c) => c.type === type && c.status === "True");
const finishedAt = (s: Obj) => {
  const at = Date.parse(s.lastState?.terminated?.finishedAt ?? "");
  return Number.isNaN(at) ? 0 : at;
};

function terminatedReason(terminated: Obj): string {
  if (terminated.reason) return terminated.reason;
  return terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
}

/** printPod's Ready, Status and Restarts. */
export function podCells(pod: Obj, now: number): PodCells {
  const phase: string = pod.status?.phase ?? "";
  let reason: string = pod.status?.reason || phase;
  for (const c of (pod.status?.conditions ?? []) as Obj[]) if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";

  const initSpecs = new Map<string, Obj>(((pod.spec?.initContainers ?? []) as Obj[]).map((c) => [c.name, c]));
  const total = ((pod.spec?.containers ?? []) as Obj[]).length + [...initSpecs.values()].filter(isSidecar).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;

  let initializing = false;
  const initStatuses = (pod.status?.initContainerStatuses ?? []) as Obj[];
  for (const [i, s] of initStatuses.entries()) {
    const sidecar = isSidecar(initSpecs.get(s.name));
    restarts += s.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(s));
    if (sidecar) {
      sidecarRestarts += s.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(s));
    }
    const terminated = s.state?.terminated;
    const waiting = s.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && s.started === true) {
      if (s.ready) ready++;
      continue;
    }
    if (terminated) reason = `Init:${terminatedReason(terminated)}`;
    else if (waiting?.reason && waiting.reason !== "PodInitializing") reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, "Initialized")) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let running = false;
    for (const s of [...((pod.status?.containerStatuses ?? []) as Obj[])].reverse()) {
      restarts += s.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(s));
      if (s.state?.waiting?.reason) reason = s.state.waiting.reason;
      else if (s.state?.terminated) reason = terminatedReason(s.state.terminated);
      else if (s.ready && s.state?.running) {
        running = true;
        ready++;
      }
    }
    if (reason === "Completed" && running) reason = conditionTrue(pod, "Ready") ? "Running" : "NotReady";
  }

  if (pod.metadata?.deletionTimestamp && pod.status?.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata?.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";

  const restartCell = restarts !== 0 && lastRestart !== 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartCell };
}
