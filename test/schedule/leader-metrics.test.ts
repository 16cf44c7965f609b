/** LeaderMetrics (runtime/schedule/leader-metrics.ts): the leader gauge follows leadership; terms count each start. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LeaderMetrics } from "../../runtime/schedule/leader-metrics.js";

const render = (m: LeaderMetrics) => {
  const out: string[] = [];
  m.render(out);
  return out.join("\n");
};

test("podfn_leader is 1 while leading and 0 after; podfn_leader_terms_total counts each time it became leader", () => {
  const m = new LeaderMetrics("podfn-scheduler");
  assert.match(render(m), /^podfn_leader\{lease="podfn-scheduler"\} 0$/m);
  m.leading(true);
  m.leading(true);
  assert.match(render(m), /^podfn_leader\{lease="podfn-scheduler"\} 1$/m);
  m.leading(false);
  m.leading(true);
  const text = render(m);
  assert.match(text, /^podfn_leader_terms_total\{lease="podfn-scheduler"\} 2$/m);
  assert.match(text, /^# TYPE podfn_leader gauge$/m);
  m.leading(false);
  assert.match(render(m), /^podfn_leader\{lease="podfn-scheduler"\} 0$/m);
});
