/**
 * Dry run is asked for with `?dryRun=` or `X-Podfn-Dry-Run:`, each `true`/`1` (dry) or
 * `false`/`0` (real). A request that asks in a form the adapter half-recognises must never run
 * for real: the query key is honoured however it is encoded, a repeated header is read as the
 * list it is, and any other value is refused (400 naming dryRun) rather than taken as "no". A
 * dry run asked for in the wrong place (a misspelt query key, `dryRun` in a body or query input
 * the schema would strip) is refused too, naming the key: it would otherwise be a real run.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { z } from "zod";
import { wantsDryRun } from "../../runtime/http/input.js";
import { InputError } from "../../runtime/errors.js";
import { listenOn, loaded, postJson, req, testApp } from "./helpers.js";

const functions = () => [
  loaded({ name: "get", method: "GET", input: z.looseObject({}), handler: ({ input, dryRun }) => ({ input, dryRun }) }),
  loaded({ name: "post", handler: ({ dryRun }) => ({ dryRun }) }),
];

interface Answer {
  status: number;
  dryRunHeader: string | null;
  body: { dryRun?: boolean; input?: unknown; error?: { code: string; message: string; requestId: string; issues: { path: string; message: string }[] } };
}

async function viaFetch(app: ReturnType<typeof testApp>, request: Request): Promise<Answer> {
  const res = await app.fetch(request);
  return { status: res.status, dryRunHeader: res.headers.get("x-podfn-dry-run"), body: (await res.json()) as Answer["body"] };
}

describe("dry run over HTTP", () => {
  test("the dryRun query key is honoured however it is percent-encoded, and never reaches the input", async () => {
    const app = testApp(functions());
    for (const query of ["dryRun=true", "dry%52un=true", "%64ryRun=1", "dr%79R%75%6E=TRUE"]) {
      const answer = await viaFetch(app, req(`/get?${query}&n=1`));
      assert.equal(answer.status, 200, query);
      assert.deepEqual(answer.body, { input: { n: "1" }, dryRun: true }, query);
      assert.equal(answer.dryRunHeader, "true", query);
    }
  });

  test("X-Podfn-Dry-Run sent more than once is a list: every value must agree", async () => {
    const app = testApp(functions());
    const twice = new Headers();
    twice.append("x-podfn-dry-run", "true");
    twice.append("x-podfn-dry-run", "true");
    const answer = await viaFetch(app, req("/get", { headers: twice }));
    assert.equal(answer.status, 200);
    assert.equal(answer.body.dryRun, true);
    assert.equal(answer.dryRunHeader, "true");
    const real = await viaFetch(app, req("/get", { headers: { "x-podfn-dry-run": "false, 0" } }));
    assert.equal(real.body.dryRun, false);
    const mixed = await viaFetch(app, req("/get", { headers: { "x-podfn-dry-run": "true, false" } }));
    assert.equal(mixed.status, 400);
    assert.equal(mixed.body.error!.code, "invalid_input");
  });

  test("the same header twice on the socket (two lines) is a dry run", async () => {
    const app = testApp(functions());
    const server = await listenOn(app.listener);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const request = httpRequest({ host: "127.0.0.1", port: server.port, path: "/get", headers: { "x-podfn-dry-run": ["true", "TRUE"] } }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve(`${res.statusCode} ${res.headers["x-podfn-dry-run"]} ${text}`));
        });
        request.on("error", reject);
        request.end();
      });
      assert.equal(body, '200 true {"input":{},"dryRun":true}');
    } finally {
      await server.close();
    }
  });

  test("a value other than true, 1, false or 0 is a 400 naming dryRun, in the query or the header, GET or POST", async () => {
    const app = testApp(functions());
    const cases: Array<[string, Request]> = [
      ["?dryRun=yes", req("/get?dryRun=yes")],
      ["?dryRun (no value)", req("/get?dryRun")],
      ["?dryRun=", req("/get?dryRun=")],
      ["?dry%52un=on", req("/get?dry%52un=on")],
      ["?dryRun=true&dryRun=false", req("/get?dryRun=true&dryRun=false")],
      ["POST ?dryRun=no", postJson("/post?dryRun=no", {})],
      ["X-Podfn-Dry-Run: yes", req("/get", { headers: { "x-podfn-dry-run": "yes" } })],
      ["X-Podfn-Dry-Run: yes with ?dryRun=true", req("/get?dryRun=true", { headers: { "x-podfn-dry-run": "yes" } })],
    ];
    for (const [name, request] of cases) {
      const answer = await viaFetch(app, request);
      assert.equal(answer.status, 400, name);
      assert.equal(answer.body.error!.code, "invalid_input", name);
      assert.match(answer.body.error!.message, /dryRun/, name);
      assert.deepEqual(answer.body.error!.issues.map((i) => i.path), ["dryRun"], name);
      assert.equal(answer.dryRunHeader, null, name);
    }
  });

  test("false and 0 (any case) are a real run; either source saying true is a dry run", async () => {
    const app = testApp(functions());
    for (const query of ["dryRun=false", "dryRun=0", "dryRun=FALSE", "dryness=true", "n=%41"]) {
      const answer = await viaFetch(app, req(`/get?${query}`));
      assert.equal(answer.status, 200, query);
      assert.equal(answer.body.dryRun, false, query);
    }
    const either = await viaFetch(app, req("/get?dryRun=false", { headers: { "x-podfn-dry-run": "true" } }));
    assert.equal(either.body.dryRun, true);
  });

  test("wantsDryRun throws an InputError naming dryRun for a value it does not know", () => {
    assert.equal(wantsDryRun("", null), false);
    assert.equal(wantsDryRun("a=1", " true , 1 "), true);
    assert.throws(() => wantsDryRun("dryRun=yes", null), (e: unknown) => e instanceof InputError && e.issues[0]!.path === "dryRun");
  });

  test("a misspelt dry-run query key is a 400 naming it on a POST, and the handler never runs", async () => {
    let runs = 0;
    const app = testApp([loaded({ name: "cleanup", input: z.object({ olderThanHours: z.number().optional() }), handler: () => ++runs })]);
    for (const [query, key] of [
      ["dryrun=true", "dryrun"], ["dry-run=true", "dry-run"], ["dry_run=true", "dry_run"], ["DryRun=true", "DryRun"], ["DRY_RUN=true", "DRY_RUN"],
      ["dryRun[]=true", "dryRun[]"], ["%20dryRun=true", " dryRun"], ["dryRun.x=1", "dryRun.x"], ["dryRun%3Dtrue", "dryRun=true"], ["x-dry-run=1", "x-dry-run"],
    ]) {
      const answer = await viaFetch(app, postJson(`/cleanup?${query}`, {}));
      assert.equal(answer.status, 400, query);
      assert.deepEqual(answer.body.error!.issues, [{ path: key, message: "is not podfn's dry-run parameter: write dryRun=true (nothing was run)" }], query);
    }
    for (const [query, key] of [["a=1;dryRun=true", "a"], ["mode=dry-run", "mode"]]) {
      const answer = await viaFetch(app, postJson(`/cleanup?${query}`, {}));
      assert.equal(answer.status, 400, query);
      assert.deepEqual(answer.body.error!.issues, [{ path: key, message: "asks for a dry run podfn does not read: write dryRun=true (nothing was run)" }], query);
    }
    for (const query of ["dry=1&dryness=2&mode=run", "dryRunner=1&laundryRun=2&foundry_runtime=3", "branch=fix-dryrun&note=laundry%20run&d-r-y-run=1"]) {
      assert.equal((await viaFetch(app, postJson(`/cleanup?${query}`, {}))).status, 200, `${query}: keys and values that only hold the letters do not say dryRun`);
    }
    assert.equal(runs, 3);
  });

  test("a header whose name says dryRun but is not X-Podfn-Dry-Run is a 400 naming it, over fetch and on the socket", async () => {
    let runs = 0;
    const app = testApp([loaded({ name: "cleanup", handler: () => ++runs })]);
    for (const name of ["X-Dry-Run", "X-Podfn-DryRun", "dry_run"]) {
      const answer = await viaFetch(app, postJson("/cleanup", {}, { [name]: "true" }));
      assert.equal(answer.status, 400, name);
      assert.deepEqual(answer.body.error!.issues, [{ path: name.toLowerCase(), message: "is not podfn's dry-run header: send X-Podfn-Dry-Run: true, or ?dryRun=true (nothing was run)" }], name);
    }
    const server = await listenOn(app.listener);
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const request = httpRequest({ host: "127.0.0.1", port: server.port, path: "/cleanup", method: "POST", headers: { "content-type": "application/json", "X-Dry-Run": "1" } }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve(`${res.statusCode} ${text}`));
        });
        request.on("error", reject);
        request.end("{}");
      });
      assert.match(answer, /^400 .*"path":"X-Dry-Run".*is not podfn's dry-run header/);
    } finally {
      await server.close();
    }
    assert.equal((await viaFetch(app, postJson("/cleanup", {}, { "x-podfn-dry-run": "false", "x-dryness": "1", "x-foundry-runtime": "2" }))).status, 200);
    assert.equal(runs, 1);
  });

  test("dryRun in an input the schema would strip is a 400 naming it (body, or a GET's query); a schema that keeps it takes it", async () => {
    let runs = 0;
    const strict = z.object({ olderThanHours: z.number().optional() });
    const app = testApp([
      loaded({ name: "cleanup", input: strict, handler: () => ++runs }),
      loaded({ name: "bare", handler: () => ++runs }),
      loaded({ name: "list", method: "GET", input: z.object({ phase: z.string().optional() }), handler: () => ++runs }),
      loaded({ name: "declares", input: z.object({ dryRun: z.boolean() }), handler: ({ input }) => input }),
      loaded({ name: "loose", input: z.looseObject({}), handler: ({ input }) => input }),
      loaded({ name: "defaulted", input: strict.default({}), handler: () => ++runs }),
      loaded({ name: "optional", input: strict.optional(), handler: () => ++runs }),
      loaded({ name: "transformed", input: strict.transform((v) => v), handler: () => ++runs }),
    ]);
    for (const [name, request, key] of [
      ["body", postJson("/cleanup", { dryRun: true }), "dryRun"],
      ["body, no schema", postJson("/bare", { dry_run: true }), "dry_run"],
      ["body, other case", postJson("/cleanup", { DRY_RUN: true }), "DRY_RUN"],
      ["GET query", req("/list?dryrun=true"), "dryrun"],
      ["GET query, other case", req("/list?DryRun=1"), "DryRun"],
      ["a schema with a default", postJson("/defaulted", { dryRun: true }), "dryRun"],
      ["an optional schema", postJson("/optional", { "dry-run": true }), "dry-run"],
      ["a transformed schema", postJson("/transformed", { dryRun: true }), "dryRun"],
    ] as const) {
      const answer = await viaFetch(app, request);
      assert.equal(answer.status, 400, name);
      assert.equal(answer.body.error!.issues[0]!.path, key, name);
      assert.match(answer.body.error!.issues[0]!.message, /\?dryRun=true or the X-Podfn-Dry-Run header .*nothing was run/, name);
    }
    assert.equal(runs, 0);
    assert.deepEqual((await viaFetch(app, postJson("/declares", { dryRun: true }))).body, { dryRun: true } as never);
    assert.deepEqual((await viaFetch(app, postJson("/loose", { other: 1 }))).body, { other: 1 } as never);
  });

  test("an object schema that keeps or refuses other keys still refuses an undeclared dryRun, saying where the switch is; z.any() takes it", async () => {
    let runs = 0;
    const app = testApp([
      loaded({ name: "loose", input: z.looseObject({ action: z.string() }), handler: () => ++runs }),
      loaded({ name: "catchall", input: z.object({}).catchall(z.unknown()), handler: () => ++runs }),
      loaded({ name: "strict", input: z.strictObject({ hours: z.number().optional() }), handler: () => ++runs }),
      loaded({ name: "anything", input: z.any(), handler: ({ input }) => input }),
    ]);
    for (const [path, body, key] of [["/loose", { action: "scale", dryRun: true }, "dryRun"], ["/catchall", { "dry-run": 1 }, "dry-run"], ["/strict", { dryRun: true }, "dryRun"]] as const) {
      const answer = await viaFetch(app, postJson(path, body));
      assert.equal(answer.status, 400, path);
      assert.equal(answer.body.error!.issues[0]!.path, key, path);
      assert.match(answer.body.error!.issues[0]!.message, /\?dryRun=true or the X-Podfn-Dry-Run header .*nothing was run/, path);
    }
    assert.equal(runs, 0);
    assert.deepEqual((await viaFetch(app, postJson("/anything", { dryRun: true }))).body, { dryRun: true } as never);
    assert.equal((await viaFetch(app, postJson("/loose", { action: "scale", note: "x", laundryRun: 1, dryRunner: 2 }))).status, 200, "fields that only hold the letters are fields");
  });

  test("a union or intersection of object schemas refuses a dryRun none of its members declares (body or a GET's query); one declaring it, or with a member taking anything, takes it", async () => {
    let runs = 0;
    const remove = z.object({ action: z.literal("delete"), name: z.string() });
    const scale = z.object({ action: z.literal("scale"), replicas: z.number() });
    const app = testApp([
      loaded({ name: "discriminated", input: z.discriminatedUnion("action", [remove, scale]), handler: () => ++runs }),
      loaded({ name: "union", method: "GET", input: z.union([z.object({ ns: z.string() }), z.object({ all: z.string() })]), handler: () => ++runs }),
      loaded({ name: "intersection", input: z.intersection(z.object({ name: z.string() }), z.looseObject({ tag: z.string().optional() })), handler: () => ++runs }),
      loaded({ name: "nested", input: z.union([remove, z.intersection(scale, z.object({ note: z.string().optional() }))]).optional(), handler: () => ++runs }),
      loaded({ name: "declared", input: z.union([remove, scale.extend({ dryRun: z.boolean() })]), handler: ({ input }) => input }),
      loaded({ name: "open", input: z.union([remove, z.record(z.string(), z.unknown())]), handler: ({ input }) => input }),
      loaded({ name: "or-null", input: z.union([z.object({ name: z.string() }), z.null()]), handler: () => ++runs }),
      loaded({ name: "or-list", input: z.object({ name: z.string() }).or(z.array(z.string())).or(z.string()), handler: () => ++runs }),
      loaded({ name: "no-object", input: z.union([z.string(), z.number()]), handler: () => ++runs }),
    ]);
    const refusals: Array<[Request, string]> = [
      [postJson("/discriminated", { action: "delete", name: "prod-db", dryRun: true }), "dryRun"],
      [req("/union?ns=prod&dry_run=true"), "dry_run"],
      [postJson("/intersection", { name: "x", DryRun: true }), "DryRun"],
      [postJson("/nested", { action: "scale", replicas: 0, "dry-run": true }), "dry-run"],
      // A member that never takes an object (null, an array, a string) declares no key either.
      [postJson("/or-null", { name: "x", dryRun: true }), "dryRun"],
      [postJson("/or-list", { name: "x", dryRun: true }), "dryRun"],
    ];
    for (const [request, key] of refusals) {
      const answer = await viaFetch(app, request);
      assert.equal(answer.status, 400, request.url);
      assert.equal(answer.body.error!.issues[0]!.path, key, request.url);
    }
    assert.equal(runs, 0, "nothing ran for real");
    assert.deepEqual((await viaFetch(app, postJson("/declared", { action: "scale", replicas: 1, dryRun: true }))).body, { action: "scale", replicas: 1, dryRun: true } as never);
    assert.equal((await viaFetch(app, postJson("/open", { dryRun: true }))).status, 200, "a record member takes any key");
    assert.equal((await viaFetch(app, postJson("/discriminated", { action: "delete", name: "x" }))).status, 200);
    const notAnObject = await viaFetch(app, postJson("/no-object", { dryRun: true }));
    assert.equal(notAnObject.status, 400, "no member takes an object: zod says so");
    assert.notEqual(notAnObject.body.error!.issues[0]!.path, "dryRun");
  });
});
