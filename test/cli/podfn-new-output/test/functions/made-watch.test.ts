import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, until, type Deployed, type Harness } from "podfn/testing";
import fn, { ANNOTATION, LABEL } from "../../functions/made-watch.js";

describe("made-watch", () => {
  let h: Harness;
  let deployed: Deployed;
  before(async () => {
    h = await startHarness();
    deployed = await h.deploy(fn);
  });
  after(() => h.stop());

  const annotation = async (configMap: string) => (await deployed.admin.configMaps.get(configMap)).metadata?.annotations?.[ANNOTATION];

  test("writes the checksum of a labelled ConfigMap, again when its data changes, and leaves others alone", async () => {
    const watching = deployed.watch();
    await watching.ready;
    await deployed.admin.configMaps.create({ metadata: { name: "app", labels: { [LABEL]: "true" } }, data: { a: "1" } });
    await deployed.admin.configMaps.create({ metadata: { name: "other" }, data: { a: "1" } });
    await until(async () => (await annotation("app")) !== undefined, "the checksum of app");
    const first = await annotation("app");
    await deployed.admin.configMaps.patch("app", { data: { a: "2" } });
    await until(async () => (await annotation("app")) !== first, "a new checksum after the change");
    assert.equal(await annotation("other"), undefined);
    await watching.stop();
  });
});
