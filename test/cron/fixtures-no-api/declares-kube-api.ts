/** Fixture: the same call with `kubeApi: true`, which gives its pod a token. */
import { defineFunction } from "podfn";

export default defineFunction({
  name: "declares-kube-api",
  schedule: { cron: "0 3 * * *" },
  kubeApi: true,
  handler: async ({ kube }) => ({ username: (await kube.whoami()).username }),
});
