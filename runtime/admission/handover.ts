/**
 * @module admission/handover
 * `podfn dev`'s reloads on the embedded emulated cluster, for the admission webhooks: the
 * version being replaced keeps its webhook server (and its `onShutdown` hooks wait) until the
 * next version's server listens and the webhook configurations point at it; only then is it
 * stopped, its reviews in flight finishing. A write made during a reload is reviewed by one
 * version or the other, never refused (`failurePolicy: Fail`) or let through (`Ignore`) for
 * want of a server. While the old server holds `--admission-port`, the new one listens on any
 * free port (the configurations name it). Elsewhere (`serve`, another cluster, whose API server
 * calls a fixed port) nothing is handed over: the server stops with its round.
 */

/** A webhook server kept past its round: the port it holds, and how to stop it (resolves once it and its round are done; never rejects). */
export interface HeldAdmissionServer {
  port: number;
  retire(): Promise<void>;
}

/** Shared by the rounds of one `dev` session (see the module). */
export class AdmissionHandover {
  #held: HeldAdmissionServer | undefined;

  /** `handsOver`: whether a round stopped for this reason (its signal's) hands its server over: `dev`'s reload. */
  constructor(readonly handsOver: (reason: unknown) => boolean) {}

  /** Keeps `server` until `release()`; one kept before is stopped now (it has been replaced twice). */
  hold(server: HeldAdmissionServer): void {
    const previous = this.#held;
    this.#held = server;
    void previous?.retire();
  }

  /** The port the next server listens on: `configured`, or any free one (0) while the held server has it. */
  portFor(configured: number): number {
    return configured !== 0 && this.#held?.port === configured ? 0 : configured;
  }

  /** Stops the held server, if any (the next one is registered, or there is none to register). */
  async release(): Promise<void> {
    const held = this.#held;
    this.#held = undefined;
    await held?.retire();
  }
}

/**
 * One round's webhook server under `handover`: `signal` stops it with the round (`roundStop`),
 * unless the round stops for a reload once it is listening (`listening(port)`): then it is held
 * (`held`) and `handedOver` resolves; when the next round releases it, `signal` aborts and `finish` (the
 * rest of the round's end, once the server has closed; must not reject) runs.
 */
export function admissionStop(roundStop: AbortSignal, handover: AdmissionHandover | undefined, finish: () => Promise<void>): { signal: AbortSignal; listening(port: number): void; handedOver: Promise<void>; readonly held: boolean } {
  const own = new AbortController();
  let port: number | undefined;
  let held = false;
  let handedOver!: () => void;
  const handed = new Promise<void>((resolve) => (handedOver = resolve));
  const onStop = () => {
    if (handover && port !== undefined && handover.handsOver(roundStop.reason)) {
      held = true;
      handover.hold({
        port,
        retire: () => {
          own.abort(roundStop.reason);
          return finish();
        },
      });
      handedOver();
    } else own.abort(roundStop.reason);
  };
  if (roundStop.aborted) onStop();
  else roundStop.addEventListener("abort", onStop, { once: true });
  return {
    signal: own.signal,
    listening: (listeningPort) => (port = listeningPort),
    handedOver: handed,
    get held() {
      return held;
    },
  };
}
