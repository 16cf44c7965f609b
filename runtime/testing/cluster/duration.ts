/**
 * @module cluster/duration
 * Go's `duration.HumanDuration` (k8s.io/apimachinery/pkg/util/duration), as the printers and
 * kubectl render ages.
 */

/**
 * The short human form of `ms` milliseconds (`45s`, `3m10s`, `5h`, `2d3h`, `3y`).
 *
 * @example
 * humanDuration(190_000); // "3m10s"
 */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return "<invalid>";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}
