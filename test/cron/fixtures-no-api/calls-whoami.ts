/** Fixture: a CronJob function that declares no permissions and no kubeApi, yet calls the API. */
import { defineFunction } from "podfn";

export default defineFunction({
  name: "calls-whoami",
  schedule: { cron: "0 3 * * *" },
  handler: async ({ kube }) => ({ username: (await kube.whoami()).username }),
});
