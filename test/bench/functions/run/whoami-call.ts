/**
 * @module bench/functions/whoami-call
 * The run-once benchmark's function making one API call (a SelfSubjectReview, which every
 * identity may make: `kubeApi: true` gives its pod a token): what a CronJob that talks to the
 * cluster pays over the no-op, its TLS connection and Node's TLS set-up included.
 */
import { defineFunction } from "podfn";

export default defineFunction({
  name: "whoami-call",
  schedule: { cron: "0 3 * * *" },
  kubeApi: true,
  handler: async ({ kube }) => ({ username: (await kube.whoami()).username }),
});
