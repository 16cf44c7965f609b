/**
 * Quantities (runtime/quantity.ts): a request is above its limit exactly when the API server
 * says so, as resource.Quantity's Cmp compares them, whatever units each is written in.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { quantityNanos, requestsAboveLimits } from "../../runtime/quantity.js";

/** `n / 10^digits` written as a decimal (`1400, 3` → "1.4", `50, 3` → "0.05"), exactly. */
function decimal(n: bigint, digits: number): string {
  const text = n.toString().padStart(digits + 1, "0");
  const fraction = text.slice(text.length - digits).replace(/0+$/, "");
  return `${text.slice(0, text.length - digits)}${fraction ? `.${fraction}` : ""}`;
}

const cpu = (request: string, limit: string) => requestsAboveLimits({ requests: { cpu: request }, limits: { cpu: limit } });
const memory = (request: string, limit: string) => requestsAboveLimits({ requests: { memory: request }, limits: { memory: limit } });

test("every 50m step up to 4000m equals its decimal form, either way round (350m, 700m, 950m, 1400m were refused)", () => {
  for (let m = 50n; m <= 4000n; m += 50n) {
    const [milli, cores] = [`${m}m`, decimal(m, 3)];
    assert.deepEqual(cpu(milli, cores), [], `${milli} vs ${cores}`);
    assert.deepEqual(cpu(cores, milli), [], `${cores} vs ${milli}`);
    assert.equal(quantityNanos(milli), quantityNanos(cores), milli);
  }
});

test("memory written in decimal and binary units: equal amounts are not above, one byte more is", () => {
  for (let n = 1n; n <= 4096n; n++) {
    // 1072M is 1.072G; n Mi is n/1024 Gi (a terminating decimal) and n × 1048576 bytes.
    assert.deepEqual(memory(`${n}M`, `${decimal(n, 3)}G`), [], `${n}M`);
    assert.deepEqual(memory(`${decimal(n, 3)}G`, `${n}M`), [], `${n}M`);
    const gi = decimal(n * 5n ** 10n, 10);
    assert.deepEqual(memory(`${n}Mi`, `${gi}Gi`), [], `${n}Mi vs ${gi}Gi`);
    assert.deepEqual(memory(`${gi}Gi`, `${n * 2n ** 20n}`), [], `${gi}Gi vs bytes`);
    assert.deepEqual(memory(`${n * 2n ** 20n + 1n}`, `${n}Mi`), ["memory"], `a byte above ${n}Mi`);
  }
  assert.deepEqual(memory("1e3", "1k"), []);
  assert.deepEqual(memory("1Ki", "1.024k"), []);
  assert.deepEqual(memory("0.5Ki", "512"), []);
});

test("a request above its limit is refused, however close", () => {
  assert.deepEqual(cpu("800m", "700m"), ["cpu"]);
  assert.deepEqual(cpu("701m", "0.7"), ["cpu"]);
  assert.deepEqual(cpu("0.700000001", "700m"), ["cpu"], "one nano-core above");
  assert.deepEqual(cpu("1000000001n", "1"), ["cpu"]);
  assert.deepEqual(memory("1.073741825Gi", "1Gi"), ["memory"]);
  assert.deepEqual(memory("1Gi", "1G"), ["memory"]);
  assert.deepEqual(requestsAboveLimits({ requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "1", memory: "512Mi" } }), ["cpu", "memory"]);
});

test("values as the API server keeps them: below 1n rounded up to 1n, above 2^63-1 capped there", () => {
  assert.equal(quantityNanos("0"), 0n);
  assert.equal(quantityNanos("0.0000000001"), 1n);
  assert.equal(quantityNanos("1e-1000000"), 1n);
  assert.deepEqual(cpu("0.0000000001", "1n"), [], "both are 1n");
  assert.deepEqual(cpu("2n", "0.0000000011"), [], "1.1n rounds up to 2n");
  const max = (2n ** 63n - 1n) * 10n ** 9n;
  assert.equal(quantityNanos("9223372036854775807"), max);
  assert.equal(quantityNanos("1e1000000"), max);
  assert.equal(quantityNanos("8Ei"), max);
  assert.deepEqual(memory("9Ei", "8Ei"), [], "both capped at 2^63-1");
  assert.equal(quantityNanos("+1.5Ki"), 1536n * 10n ** 9n);
  assert.equal(quantityNanos(".5"), 5n * 10n ** 8n);
  assert.equal(quantityNanos("1GB"), undefined);
});
