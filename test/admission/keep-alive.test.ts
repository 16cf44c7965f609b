/**
 * The webhook server keeps an idle connection longer than the API server's webhook client does
 * (Go's http.Transport: 90 s), so the client is the one to close it: a review sent on a
 * connection the server is closing meets EOF, which Go does not retry for a POST.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:tls";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMISSION_KEEP_ALIVE_MS, serveAdmission } from "../../runtime/admission/server.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { captureLogs } from "../schedule/helpers.js";
import { fakeKube } from "../http/helpers.js";
import { until } from "../helpers/until.js";

test("an idle connection is kept longer than the 90 s Go's transport keeps it, so the API server closes it first", () => {
  assert.ok(ADMISSION_KEEP_ALIVE_MS > 90_000, `${ADMISSION_KEEP_ALIVE_MS} ms`);
});

test("the server keeps an idle connection for keepAliveTimeoutMs, open after an answer, closed once it passes", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-keepalive-"));
  const certs = await createCertificates();
  await writeFile(join(dir, "tls.crt"), certs.certPem);
  await writeFile(join(dir, "tls.key"), certs.keyPem);
  const controller = new AbortController();
  let url = "";
  const listening = new Promise<void>((resolve) => {
    void serveAdmission({ functions: [], kube: fakeKube().kube, logger: captureLogs().logger, port: 0, host: "127.0.0.1", certificate: { certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key") }, keepAliveTimeoutMs: 400, onListening: (u) => ((url = u), resolve()) }, controller.signal);
  });
  await listening;
  try {
    const { port } = new URL(url);
    const socket = connect({ host: "127.0.0.1", port: Number(port), ca: certs.caPem, servername: "localhost" });
    let received = "";
    let closedAt = 0;
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("close", () => (closedAt = Date.now()));
    socket.on("error", () => {});
    socket.write("GET /admission/none HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
    await until(() => received.includes("\r\n\r\n"), "an answer");
    const answeredAt = Date.now();
    assert.match(received, /^HTTP\/1\.1 \d{3}/);
    assert.doesNotMatch(received, /connection: close/i, "kept alive after the answer");
    await until(() => closedAt > 0, "the idle connection closed");
    assert.ok(closedAt - answeredAt >= 300, `closed ${closedAt - answeredAt} ms after the answer`);
  } finally {
    controller.abort();
  }
});
