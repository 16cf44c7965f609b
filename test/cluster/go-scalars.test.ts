/**
 * The emulated server's Go scalar parsers answer with Go's messages: `time.Parse` of RFC 3339
 * (and of RFC 3339 with six fractional digits, metav1.MicroTime's), `resource.ParseQuantity`,
 * and base64.StdEncoding's CorruptInputError offsets.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { canonicalQuantity, goBase64Error, goQuantityError, goTimeParseError, goTimeUTC, parseGoQuantity, RFC3339, RFC3339_MICRO } from "../../runtime/testing/cluster/go-scalars.js";

describe("Go scalar parsing", () => {
  test("time.Parse with RFC 3339: accepted forms", () => {
    for (const ok of ["2024-01-31T23:59:59Z", "2024-02-29T00:00:00+05:30", "2024-01-01T00:00:00.123Z", "2024-01-01T00:00:00-00:00", "2024-01-01T7:00:00Z"]) {
      assert.equal(goTimeParseError(RFC3339, ok), undefined, ok);
    }
  });

  test("time.Parse with RFC 3339: the element it stopped at, ranges, extra text", () => {
    const layout = `as "${RFC3339}"`;
    assert.equal(goTimeParseError(RFC3339, "abc"), `parsing time "abc" ${layout}: cannot parse "abc" as "2006"`);
    assert.equal(goTimeParseError(RFC3339, "2024-01-01"), `parsing time "2024-01-01" ${layout}: cannot parse "" as "T"`);
    assert.equal(goTimeParseError(RFC3339, "2024-01-01T00:00:00"), `parsing time "2024-01-01T00:00:00" ${layout}: cannot parse "" as "Z07:00"`);
    assert.equal(goTimeParseError(RFC3339, "2024-1-01T00:00:00Z"), `parsing time "2024-1-01T00:00:00Z" ${layout}: cannot parse "1-01T00:00:00Z" as "01"`);
    assert.equal(goTimeParseError(RFC3339, "2024-13-01T00:00:00Z"), 'parsing time "2024-13-01T00:00:00Z": month out of range');
    assert.equal(goTimeParseError(RFC3339, "2023-02-29T00:00:00Z"), 'parsing time "2023-02-29T00:00:00Z": day out of range');
    assert.equal(goTimeParseError(RFC3339, "2024-01-01T24:00:00Z"), 'parsing time "2024-01-01T24:00:00Z": hour out of range');
    assert.equal(goTimeParseError(RFC3339, "2024-01-01T00:60:00Z"), 'parsing time "2024-01-01T00:60:00Z": minute out of range');
    assert.equal(goTimeParseError(RFC3339, "2024-01-01T00:00:00Zjunk"), 'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"');
    assert.equal(goTimeParseError(RFC3339, "2024-01-01T00:00:00+25:00"), 'parsing time "2024-01-01T00:00:00+25:00": time zone offset hour out of range');
    assert.equal(goTimeParseError(RFC3339, "2024-01-01T00:00:00+24:00"), undefined);
  });

  test("MicroTime's layout needs exactly six fractional digits", () => {
    assert.equal(goTimeParseError(RFC3339_MICRO, "2024-01-01T00:00:00.123456Z"), undefined);
    assert.equal(goTimeParseError(RFC3339_MICRO, "2024-01-01T00:00:00Z"), `parsing time "2024-01-01T00:00:00Z" as "${RFC3339_MICRO}": cannot parse "Z" as ".000000"`);
  });

  test("a time is written back as MarshalJSON writes it: UTC, Time to the second, MicroTime to six digits (truncated)", () => {
    assert.equal(goTimeUTC("2024-01-01T00:00:00.999Z", false), "2024-01-01T00:00:00Z");
    assert.equal(goTimeUTC("2024-02-29T01:30:00+05:30", false), "2024-02-28T20:00:00Z");
    assert.equal(goTimeUTC("2024-12-31T23:00:00-01:30", false), "2025-01-01T00:30:00Z");
    assert.equal(goTimeUTC("2024-01-01T7:00:00Z", false), "2024-01-01T07:00:00Z");
    assert.equal(goTimeUTC("0050-01-01T00:00:00Z", false), "0050-01-01T00:00:00Z", "a year under 100 stays itself");
    assert.equal(goTimeUTC("2024-01-01T00:00:00.123456+02:00", true), "2023-12-31T22:00:00.123456Z");
    assert.equal(goTimeUTC("2024-01-01T00:00:00,5Z", false), "2024-01-01T00:00:00Z");
  });

  test("ParseQuantity: numbers, suffixes and exponents; its three errors", () => {
    for (const ok of ["0", "1", "1.5", ".5", "100m", "64Mi", "1Gi", "1e3", "1E", "2.5e-3", "+1k", "-0", "000", "1e+3", ".", "Mi", "-."]) assert.equal(goQuantityError(ok), undefined, ok);
    const format = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    for (const bad of ["", "lots", "1.2.3", "1Qi", "1 Gi"]) assert.equal(goQuantityError(bad), format, bad);
    for (const bad of ["1kk", "1e", "1Ki1", "1ki"]) assert.equal(goQuantityError(bad), "unable to parse quantity's suffix", bad);
    // No digits reads as 0 on the fast path; only the slow path (beyond nano, or a large binary suffix) finds no number.
    for (const bad of ["e-10", "Pi", ".Ei"]) assert.equal(goQuantityError(bad), "unable to parse numeric part of quantity", bad);
  });

  test("Quantity.String(): the canonical form the server stores", () => {
    const canonical = (text: string) => {
      const parsed = parseGoQuantity(text);
      assert.ok("quantity" in parsed, text);
      return canonicalQuantity(parsed.quantity);
    };
    const cases: Array<[string, string]> = [
      ["0.5", "500m"], ["1.5", "1500m"], ["1", "1"], ["1000", "1k"], ["1500", "1500"], ["0.1", "100m"], ["2000000", "2M"],
      ["128Mi", "128Mi"], ["2048Mi", "2Gi"], ["0.5Gi", "512Mi"], ["1.5Ki", "1536"], ["0.5Ki", "512"], ["1e3", "1e3"], ["12e3", "12e3"],
      ["1n", "1n"], ["0.0000000001", "1n"], ["-1.5", "-1500m"], ["0", "0"], ["00", "0"], ["1073741824", "1073741824"],
    ];
    for (const [text, want] of cases) assert.equal(canonical(text), want, text);
  });

  test("base64.StdEncoding: padding and the offset of the first bad byte", () => {
    for (const ok of ["", "YQ==", "YWI=", "YWJj", "YWJj\nZGVm"]) assert.equal(goBase64Error(ok), undefined, JSON.stringify(ok));
    assert.equal(goBase64Error("not base64!"), "illegal base64 data at input byte 3");
    assert.equal(goBase64Error("YWJ"), "illegal base64 data at input byte 0");
    assert.equal(goBase64Error("YWJjZA"), "illegal base64 data at input byte 4");
    assert.equal(goBase64Error("Y==="), "illegal base64 data at input byte 1");
    assert.equal(goBase64Error("YQ="), "illegal base64 data at input byte 3");
    assert.equal(goBase64Error("YQ==YQ=="), "illegal base64 data at input byte 4");
  });
});
