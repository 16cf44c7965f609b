/**
 * @module bench/stats
 * Medians, percentiles and the interleaved-rounds loop every suite uses: round 1 measures
 * peer A, peer B, ... C, round 2 measures C, ..., B, A, and so on, so slow drift of the machine
 * (thermal, other load) spreads over every peer instead of landing on one. Always in the same
 * order, the last peer of a round was measured last every time: a machine slowing down over a
 * run (seen here: ~20% within a few rounds) moved its median against it by up to 10%.
 */
import { progress } from "./progress.js";

/** Median of the values (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile `p` (0-100) of the values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** One competitor of a suite: a name and how to take one sample of it. */
export interface Peer<S> {
  name: string;
  /** Takes one sample. Throwing marks the peer failed; the other peers still run. */
  sample: () => Promise<S>;
}

/** Samples of one peer, or the error that stopped it. */
export interface PeerSamples<S> {
  samples: S[];
  error?: string;
}

/**
 * Run `rounds` rounds; each round samples every peer once, in order on odd rounds and in reverse
 * order on even ones. A peer that throws is skipped in later rounds and keeps its error.
 *
 * @example
 * const out = await interleave("cold-start", 5, [{ name: "hono", sample: () => coldStart(hono) }]);
 * median(out.get("hono")!.samples);
 */
export async function interleave<S>(label: string, rounds: number, peers: readonly Peer<S>[]): Promise<Map<string, PeerSamples<S>>> {
  const out = new Map<string, PeerSamples<S>>(peers.map((p) => [p.name, { samples: [] }]));
  const reversed = [...peers].reverse();
  for (let round = 1; round <= rounds; round++) {
    for (const peer of round % 2 === 1 ? peers : reversed) {
      const entry = out.get(peer.name)!;
      if (entry.error !== undefined) continue;
      progress(`${label}: round ${round}/${rounds} ${peer.name}`);
      try {
        entry.samples.push(await peer.sample());
      } catch (error) {
        entry.error = error instanceof Error ? error.message : String(error);
        progress(`${label}: ${peer.name} failed: ${entry.error}`);
      }
    }
  }
  return out;
}
