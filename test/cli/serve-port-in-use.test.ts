/**
 * `podfn serve` on a port something else holds says which option chose that port (exit 2): the
 * functions' --port, the operations' --admin-port (from the flag or PODFN_ADMIN_PORT), the
 * webhooks' --admission-port; every one of them was blamed on --port before.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPodfn } from "../e2e/helpers/processes.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";

const FUNCTIONS = fileURLToPath(new URL("./fixtures/caller-auth", import.meta.url));
// An admission function's folder lives inside the package (git-ignored) so `import "podfn"` resolves.
const TMP = fileURLToPath(new URL("../.tmp/", import.meta.url));

let holder: Server;
let port: number;
let home: string;
let webhooks: string;

before(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  port = (holder.address() as { port: number }).port;
  home = await mkdtemp(join(tmpdir(), "podfn-port-in-use-"));
  await mkdir(TMP, { recursive: true });
  webhooks = await mkdtemp(join(TMP, "port-in-use-"));
  await writeFile(
    join(webhooks, "owner.ts"),
    `import { defineFunction } from "podfn";
export default defineFunction({ name: "owner", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods" }] }, handler: () => ({ allowed: true }) });
`,
  );
  const certs = await createCertificates();
  await writeFile(join(home, "tls.crt"), certs.certPem);
  await writeFile(join(home, "tls.key"), certs.keyPem);
});

after(async () => {
  await new Promise((resolve) => holder.close(resolve));
  await rm(home, { recursive: true, force: true });
  await rm(webhooks, { recursive: true, force: true });
});

async function refused(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { code, output } = await runPodfn(["serve", "--cluster", "emulated", ...args], { HOME: home, ...env }, { cwd: home });
  assert.equal(code, 2, output);
  return output.split("\n").find((line) => line.startsWith("podfn: ")) ?? output;
}

test("a taken --port names --port", async () => {
  assert.equal(await refused(["--functions", FUNCTIONS, "--port", String(port)]), `podfn: 127.0.0.1:${port} is already in use: stop what listens there, or choose another with --port / PORT`);
});

test("a taken --admin-port, from the flag or the environment, names --admin-port", async () => {
  const expected = `podfn: 127.0.0.1:${port} is already in use: stop what listens there, or choose another with --admin-port / PODFN_ADMIN_PORT`;
  assert.equal(await refused(["--functions", FUNCTIONS, "--port", "0", "--admin-port", String(port)]), expected);
  assert.equal(await refused(["--functions", FUNCTIONS, "--port", "0"], { PODFN_ADMIN_PORT: String(port) }), expected);
});

test("a taken --admission-port names --admission-port", async () => {
  const certificate = ["--admission-cert-file", join(home, "tls.crt"), "--admission-key-file", join(home, "tls.key")];
  assert.equal(
    await refused(["--functions", webhooks, "--port", "0", "--admission-port", String(port), ...certificate]),
    `podfn: 127.0.0.1:${port} is already in use: stop what listens there, or choose another with --admission-port / PODFN_ADMISSION_PORT`,
  );
});
