import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPodfn, startPodfn, type PodfnProcess } from "../e2e/helpers/processes.js";

/** Two bearer routes calling the API (fixtures/who-and-pods), standing in for the examples a fresh clone serves: a project deletes those. */
const FUNCTIONS = fileURLToPath(new URL("./fixtures/who-and-pods", import.meta.url));

describe("podfn serve with no cluster configured (what npm start does on a fresh clone)", () => {
  let home: string;
  let serve: PodfnProcess;
  let url: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), "podfn-home-"));
    serve = startPodfn(["serve", "--port", "0", "--functions", FUNCTIONS], { HOME: home }, { cwd: home });
    url = (await serve.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/))[1]!;
  });

  after(async () => {
    await serve.stop();
    await rm(home, { recursive: true, force: true });
  });

  test("says in its first lines that it runs against the embedded emulated cluster", () => {
    const first = serve.output().split("\n").slice(0, 2).join("\n");
    assert.match(first, /no Kubernetes cluster found: using the embedded emulated cluster/);
    assert.match(first, /running against the embedded emulated cluster; inspect it with: KUBECONFIG=.*admin\.kubeconfig kubectl get pods/);
  });

  test("serves the functions as the local ServiceAccount, with generated local secrets and demo objects", async () => {
    const token = await readFile(join(home, ".podfn/secrets/api-token"), "utf8");
    const auth = { authorization: `Bearer ${token}` };
    const whoami = (await (await fetch(`${url}/who`, { headers: auth })).json()) as { username: string };
    assert.equal(whoami.username, "system:serviceaccount:default:podfn");
    const pods = (await (await fetch(`${url}/pods`, { headers: auth })).json()) as { pods: { name: string; phase: string }[] };
    assert.ok(pods.pods.some((p) => p.phase === "Running"));
    assert.equal((await fetch(`${url}/pods`)).status, 401);
  });

  test("SIGTERM drains and exits 0", async () => {
    assert.equal(await serve.stop(), 0);
    assert.match(serve.output(), /"msg":"shut down"/);
  });
});

test("serve --cluster real with no credentials exits 2 naming what it tried", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  try {
    const { code, output } = await runPodfn(["serve", "--cluster", "real", "--port", "0", "--functions", FUNCTIONS], { HOME: home });
    assert.equal(code, 2);
    assert.match(output, /no Kubernetes credentials found; tried: kubeconfig: .*in-cluster: KUBERNETES_SERVICE_HOST is not set/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("where NODE_ENV=production (the image), no cluster is an error: serve and run never fall back to the emulated cluster", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  try {
    for (const args of [["serve", "--port", "0"], ["run", "pods"]]) {
      const { code, output } = await runPodfn([...args, "--functions", FUNCTIONS], { HOME: home, NODE_ENV: "production" });
      assert.equal(code, 2, output);
      assert.match(output, /no Kubernetes credentials found; tried: .*the embedded emulated cluster: not used where NODE_ENV=production \(--cluster emulated uses it on purpose\)/);
      assert.doesNotMatch(output, /using the embedded emulated cluster|deleted/);
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("a --kubeconfig that is not there is an error, never a silent fall back to the emulated cluster", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  try {
    const { code, output } = await runPodfn(["serve", "--kubeconfig", "/nonexistent/podfn/config", "--port", "0", "--functions", FUNCTIONS], { HOME: home });
    assert.equal(code, 2);
    assert.match(output, /\/nonexistent\/podfn\/config/);
    assert.doesNotMatch(output, /embedded emulated cluster/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("an empty PODFN_SECRETS_DIR is unset, as for every option: the emulated cluster's local secrets are used", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  const serve = startPodfn(["serve", "--port", "0", "--functions", FUNCTIONS], { HOME: home, PODFN_SECRETS_DIR: "" }, { cwd: home });
  try {
    await serve.waitFor(/caller-auth secrets for local runs are files in [^"]*\/\.podfn\/secrets/);
    assert.ok((await readFile(join(home, ".podfn/secrets/api-token"), "utf8")).length > 0);
    assert.equal(await serve.stop(), 0, serve.output());
  } finally {
    await serve.stop();
    await rm(home, { recursive: true, force: true });
  }
});
