/**
 * A definition's `egress` (where its pods connect outside the cluster's API server): a list of
 * `{cidr, ports?}`, the CIDR checked as `--egress-cidrs`' are, each port 1–65535. Every bad
 * field is refused as the function loads, named; the fast path and zod agree on each.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptsDefinition } from "../../runtime/definition-accept.js";
import { definitionZodSchema, resolveDefinition } from "../../runtime/definition-schema.js";
import { defineFunction, type PodfnFunction } from "../../runtime/function.js";

function resolve(egress: unknown) {
  const fn = defineFunction({ name: "f", http: { auth: "none" }, handler: () => ({}), egress } as Parameters<typeof defineFunction>[0]) as PodfnFunction;
  return { fast: acceptsDefinition(fn), zod: definitionZodSchema().safeParse(fn).success, resolved: resolveDefinition(fn, "f.ts") };
}

test("egress loads as declared, and none is []", () => {
  const egress = [{ cidr: "140.82.112.0/20", ports: [443] }, { cidr: "fd00::/8" }, { cidr: "10.0.0.1/32", ports: [80, 8080] }];
  const { fast, zod, resolved } = resolve(egress);
  assert.equal(fast, true);
  assert.equal(zod, true);
  assert.ok(resolved.ok);
  assert.deepEqual(resolved.fn.egress, egress);
  const empty = resolve([]);
  assert.equal(empty.fast, true);
  assert.ok(empty.resolved.ok);
  assert.deepEqual(empty.resolved.fn.egress, []);
  const none = resolveDefinition(defineFunction({ name: "g", http: { auth: "none" }, handler: () => ({}) }) as PodfnFunction, "g.ts");
  assert.ok(none.ok);
  assert.deepEqual(none.fn.egress, []);
});

test("each bad egress field is refused as the function loads, named, by the fast path and zod alike", () => {
  const cases: [unknown, RegExp][] = [
    ["140.82.112.0/20", /^egress: must be a list of \{cidr, ports\?\}/],
    [[{}], /^egress\[0\]\.cidr: is required: a CIDR such as "140\.82\.112\.0\/20"/],
    [[{ cidr: "140.82.112.0" }], /^egress\[0\]\.cidr: must be a CIDR, an address and a prefix length \(140\.82\.112\.0\/20, 10\.0\.0\.1\/32, fd00::\/8\)$/],
    [[{ cidr: "10.0.0.0/8,192.168.0.0/16" }], /^egress\[0\]\.cidr: must be a CIDR/],
    [[{ cidr: "fe80::1%eth0/64" }], /^egress\[0\]\.cidr: must be a CIDR/],
    [[{ cidr: "10.0.0.0/33" }], /^egress\[0\]\.cidr: must be a CIDR/],
    [[{ cidr: 10 }], /^egress\[0\]\.cidr: must be a CIDR/],
    [[{ cidr: "10.0.0.0/8", ports: [] }], /^egress\[0\]\.ports: list at least one port, or leave ports out for every port$/],
    [[{ cidr: "10.0.0.0/8", ports: [0] }], /^egress\[0\]\.ports\[0\]: must be a port number, 1 to 65535$/],
    [[{ cidr: "10.0.0.0/8", ports: [443, 65536] }], /^egress\[0\]\.ports\[1\]: must be a port number, 1 to 65535$/],
    [[{ cidr: "10.0.0.0/8", ports: [44.3] }], /^egress\[0\]\.ports\[0\]: must be a port number, 1 to 65535$/],
    [[{ cidr: "10.0.0.0/8", ports: ["443"] }], /^egress\[0\]\.ports\[0\]: must be a port number, 1 to 65535$/],
    [[{ cidr: "10.0.0.0/8", ports: 443 }], /^egress\[0\]\.ports: must be a list of port numbers/],
    [[{ cidr: "10.0.0.0/8", port: 443 }], /^egress\[0\]: unknown key "port": did you mean "ports"\?$/],
    [[{ cidr: "10.0.0.0/8" }, "10.0.0.0/8"], /^egress\[1\]: must be \{cidr, ports\?\}/],
  ];
  for (const [egress, message] of cases) {
    const { fast, zod, resolved } = resolve(egress);
    const shown = JSON.stringify(egress);
    assert.equal(fast, false, shown);
    assert.equal(zod, false, shown);
    assert.equal(resolved.ok, false, shown);
    if (!resolved.ok) assert.match(resolved.problems.join("\n"), message, shown);
  }
});

test("an admission webhook declares egress as any function does (its serving workload's pods reach it)", () => {
  const fn = defineFunction({
    name: "verify-images",
    admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods" }] },
    egress: [{ cidr: "140.82.112.0/20", ports: [443] }],
    handler: () => ({ allowed: true }),
  });
  const resolved = resolveDefinition(fn as unknown as PodfnFunction, "verify-images.ts");
  assert.ok(resolved.ok);
  assert.deepEqual(resolved.fn.egress, [{ cidr: "140.82.112.0/20", ports: [443] }]);
});
