/**
 * @module schedule/leader-metrics
 * Which replica runs the schedules and watches, for `/metrics`: `podfn_leader{lease}` (1 while
 * this process holds the Lease, else 0) and `podfn_leader_terms_total{lease}` (how many times it
 * became leader). Alert on `sum(podfn_leader) != 1` for a gap or a split; a climbing terms
 * counter is a Lease that keeps changing hands (API server latency past the renew deadline).
 */
import { escapeLabel } from "../prometheus-text.js";

/** The leadership of one Lease, as a metrics section. */
export class LeaderMetrics {
  readonly #labels: string;
  #leading = false;
  #terms = 0;

  constructor(lease: string) {
    this.#labels = `lease="${escapeLabel(lease)}"`;
  }

  /** Told when leadership starts (`true`) and ends (`false`). */
  readonly leading = (now: boolean): void => {
    if (now && !this.#leading) this.#terms++;
    this.#leading = now;
  };

  render(out: string[]): void {
    out.push("# HELP podfn_leader Whether this replica holds the Lease that runs in-process schedules and watches (1) or not (0).", "# TYPE podfn_leader gauge", `podfn_leader{${this.#labels}} ${this.#leading ? 1 : 0}`);
    out.push("# HELP podfn_leader_terms_total Times this replica became leader.", "# TYPE podfn_leader_terms_total counter", `podfn_leader_terms_total{${this.#labels}} ${this.#terms}`);
  }
}
