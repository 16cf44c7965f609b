/** Fixture: a CronJob function that reads a declared Secret and declares no permissions and no kubeApi (a notifier). */
import { defineFunction } from "podfn";

export default defineFunction({
  name: "reads-secret",
  schedule: { cron: "0 * * * *" },
  secrets: ["slack-webhook-url"],
  handler: async ({ secret }) => ({ length: secret("slack-webhook-url").length }),
});
