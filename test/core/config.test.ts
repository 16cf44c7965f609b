import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { defaultTextOf, loadConfig, OPTIONS, optionsHelp, type OptionSpec } from "../../runtime/config.js";
import { BOUNDS, DEFAULTS } from "../../runtime/config-accept.js";
import { ConfigError } from "../../runtime/errors.js";

describe("config", () => {
  test("defaults when nothing is given", () => {
    const { config } = loadConfig("serve", [], {});
    assert.equal(config.port, 8080);
    assert.equal(config.host, "127.0.0.1");
    assert.equal(config.functions, "functions");
    assert.equal(config.maxInflight, 64);
    assert.equal(config.drainTimeoutMs, 25000);
    assert.equal(config.secretsDir, "/var/run/secrets/podfn");
    assert.equal(config.inCluster, false);
    assert.ok(Object.isFrozen(config));
  });

  test("flags win over environment, environment over defaults", () => {
    const env = { PORT: "9000", PODFN_FUNCTIONS: "fns", LOG_LEVEL: "debug" };
    const { config } = loadConfig("serve", ["--port", "9100"], env);
    assert.equal(config.port, 9100);
    assert.equal(config.functions, "fns");
    assert.equal(config.logLevel, "debug");
  });

  test("a command with its own default uses it when neither flag nor variable is given (podfn cluster: 6443)", () => {
    assert.equal(loadConfig("cluster", [], {}).config.port, 6443);
    assert.equal(loadConfig("cluster", [], { PORT: "" }).config.port, 6443);
    assert.equal(loadConfig("cluster", [], { PORT: "7000" }).config.port, 7000);
    assert.equal(loadConfig("cluster", ["--port", "7100"], { PORT: "7000" }).config.port, 7100);
    assert.equal(loadConfig("serve", [], {}).config.port, 8080);
  });

  test("in a pod the server listens on every address, IPv6 ones too (an IPv6-only cluster probes the pod's IPv6 address)", () => {
    const { config } = loadConfig("serve", [], { KUBERNETES_SERVICE_HOST: "10.0.0.1" });
    assert.equal(config.inCluster, true);
    assert.equal(config.host, "::");
  });

  test("a bad value names its flag or variable", () => {
    assert.throws(() => loadConfig("serve", ["--port", "http"], {}), (e: unknown) => e instanceof ConfigError && /--port: /.test(e.message));
    assert.throws(() => loadConfig("serve", [], { PORT: "70000" }), /PORT: /);
    assert.throws(() => loadConfig("serve", [], { LOG_LEVEL: "loud" }), /LOG_LEVEL: /);
  });

  test("a number that is not one says what to write", () => {
    for (const value of ["abc", "1.5", "99999"]) {
      assert.throws(() => loadConfig("serve", ["--port", value], {}), /--port: must be a whole number from 0 to 65535$/, value);
    }
    assert.throws(() => loadConfig("serve", [], { PODFN_MAX_INFLIGHT: "lots" }), /PODFN_MAX_INFLIGHT: must be a whole number from 1 to /);
  });

  test("a value that is not one of an option's choices lists them, with the one meant when only its letter case or a letter is off", () => {
    assert.throws(() => loadConfig("serve", [], { LOG_LEVEL: "loud" }), /^ConfigError: invalid configuration: LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent$/);
    assert.throws(() => loadConfig("serve", [], { LOG_LEVEL: "INFO" }), /LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent: did you mean "info"\?$/);
    assert.throws(() => loadConfig("serve", ["--log-level", "debgu"], {}), /--log-level: must be one of trace, debug, info, warn, error, fatal, silent: did you mean "debug"\?$/);
    assert.throws(() => loadConfig("run", ["--cluster", "emulate"], {}), /--cluster: must be one of auto, real, emulated: did you mean "emulated"\?$/);
    assert.throws(() => loadConfig("run", [], { PODFN_KUBE_HTTP_CLIENT: "fetch" }), /PODFN_KUBE_HTTP_CLIENT: must be one of auto, undici, node$/);
  });

  test("KUBECONFIG as a list is kept for the loader to merge, empty entries skipped", () => {
    assert.equal(loadConfig("run", [], { KUBECONFIG: ":/a/config" }).config.kubeconfig, "/a/config");
    assert.equal(loadConfig("run", [], { KUBECONFIG: "/a/config::/b/config:" }).config.kubeconfig, "/a/config:/b/config");
    assert.equal(loadConfig("run", [], { KUBECONFIG: ":" }).config.kubeconfig, undefined);
  });

  test("--kubeconfig names one file, which must exist (as kubectl's flag)", () => {
    const here = new URL(import.meta.url).pathname;
    assert.equal(loadConfig("run", ["--kubeconfig", here], {}).config.kubeconfig, here);
    assert.throws(() => loadConfig("run", ["--kubeconfig", "/nonexistent/config"], {}), /--kubeconfig: \/nonexistent\/config: no such file/);
  });

  test("an app name starts with a letter: it begins the Service's name, which Kubernetes 1.32 requires to be a DNS-1035 label", () => {
    for (const bad of ["9ops", "-ops", "Ops", "ops-"]) {
      assert.throws(() => loadConfig("manifests", [`--app=${bad}`], {}), (e: unknown) => e instanceof ConfigError && /--app: must be lower case letters, digits and '-', starting with a letter/.test(e.message), bad);
    }
    assert.throws(() => loadConfig("serve", [], { PODFN_APP: "1st" }), /PODFN_APP: must be lower case letters/);
    assert.equal(loadConfig("manifests", ["--app", "ops9"], {}).config.app, "ops9");
  });

  test("--egress-cidrs takes CIDRs only, IPv4 or IPv6 without a zone (the API server refuses fe80::1%eth0/64), each prefix fitting its address", () => {
    for (const bad of ["10.0.0.1", "10.0.0.0/33", "fd00::/129", "10.0.0/8", "10.0.0.0/8,", "example.com/32", "256.0.0.0/8", "fd00:::1/64", "::g/64", "fe80::1%eth0/64", "fe80::1%25eth0/64", "10.0.0.0/8,fe80::%1/10"]) {
      assert.throws(() => loadConfig("manifests", ["--egress-cidrs", bad], {}), (e: unknown) => e instanceof ConfigError && /--egress-cidrs: must be CIDRs, comma-separated/.test(e.message), bad);
    }
    assert.equal(loadConfig("manifests", ["--egress-cidrs", "10.0.0.1/32, fd00::/8, ::ffff:10.0.0.1/128"], {}).config.egressCidrs, "10.0.0.1/32, fd00::/8, ::ffff:10.0.0.1/128");
  });

  test("a namespace must be a namespace name (what the API server accepts)", () => {
    for (const bad of ["Bad_NS", "a".repeat(64), "ops-"]) {
      assert.throws(() => loadConfig("manifests", ["--namespace", bad], {}), (e: unknown) => e instanceof ConfigError && /--namespace: must be a namespace name/.test(e.message), bad);
    }
    assert.throws(() => loadConfig("run", [], { PODFN_NAMESPACE: "Ops" }), /PODFN_NAMESPACE: must be a namespace name/);
    assert.equal(loadConfig("manifests", ["--namespace", "ops-2"], {}).config.namespace, "ops-2");
  });

  test("--kube-http-client / PODFN_KUBE_HTTP_CLIENT choose the Kubernetes client's HTTP client: auto by default, one of three", () => {
    assert.equal(loadConfig("serve", [], {}).config.kubeHttpClient, "auto");
    assert.equal(loadConfig("run", ["--kube-http-client", "undici"], {}).config.kubeHttpClient, "undici");
    assert.equal(loadConfig("dev", [], { PODFN_KUBE_HTTP_CLIENT: "node" }).config.kubeHttpClient, "node");
    assert.throws(() => loadConfig("serve", ["--kube-http-client", "fetch"], {}), (e: unknown) => e instanceof ConfigError && /--kube-http-client: /.test(e.message));
    assert.throws(() => loadConfig("manifests", ["--kube-http-client", "node"], {}), ConfigError, "not a manifests option");
  });

  test("an unknown flag is refused with the one meant, when one is close, and a pointer to --help", () => {
    assert.throws(() => loadConfig("serve", ["--prot", "1"], {}), (e: unknown) => e instanceof ConfigError && e.message === "unknown option --prot: did you mean --port? See `podfn serve --help`.");
    assert.throws(() => loadConfig("serve", ["--LOG-LEVEL=debug"], {}), /unknown option --LOG-LEVEL: did you mean --log-level\?/);
    assert.throws(() => loadConfig("list", ["--nothing-like-it"], {}), (e: unknown) => e instanceof ConfigError && e.message === "unknown option --nothing-like-it. See `podfn list --help`.");
    assert.throws(() => loadConfig("list", ["-x"], {}), /unknown option -x \(podfn's options are long: --name\)\. See `podfn list --help`/);
    // The first unknown one, as parseArgs meets them: a string option's value skipped, nothing after --.
    assert.throws(() => loadConfig("serve", ["-p", "--bogus"], {}), /unknown option -p /);
    assert.throws(() => loadConfig("run", ["f", "-x", "--", "--jsn"], {}), /unknown option -x /);
    assert.throws(() => loadConfig("run", ["f", "--input", "{}", "--inptu-file", "x"], {}), /unknown option --inptu-file: did you mean --input-file\?/);
  });

  test("an option given empty says so, not zod's words", () => {
    assert.throws(() => loadConfig("manifests", ["--image", ""], {}), (e: unknown) => e instanceof ConfigError && /--image: must not be empty \(leave the option out for its default\)/.test(e.message));
  });

  test("--image must be a reference the kubelet can pull, not only text the API server takes", () => {
    // The API server accepts these in a pod template; the kubelet's ParseNormalizedNamed does not (InvalidImageName).
    for (const image of ["a b", "My/App:1", "podfn:", "podfn:-1", "podfn@sha256:abc", "reg.example.com//podfn", "podfn/", "http://reg.example.com/podfn:1", "a".repeat(64), `reg.example.com/${"a".repeat(250)}:1`]) {
      assert.throws(() => loadConfig("manifests", ["--image", image], {}), (e: unknown) => e instanceof ConfigError && /--image: must /.test(e.message), image);
    }
    // Registries with ports, upper-case hosts and tags, IPv6 hosts, digests: all pullable.
    for (const image of ["podfn", "podfn:latest", "UPPER/x:1", "localhost:5000/ops/podfn:V1.0_rc-1", "[::1]:5000/podfn:1", "10.0.0.1:5000/a__b/c-d.e:1", `ghcr.io/o/p@sha256:${"ab".repeat(32)}`, `ghcr.io/o/p:1@sha256:${"ab".repeat(32)}`]) {
      assert.equal(loadConfig("manifests", ["--image", image], {}).config.image, image);
    }
  });

  test("a flag of another command is refused, naming the commands that take it", () => {
    assert.throws(() => loadConfig("list", ["--port", "1"], {}), /podfn list takes no --port \(podfn serve, podfn dev, podfn cluster do\)/);
  });

  test("--input and --input-file are exclusive", () => {
    assert.throws(() => loadConfig("run", ["x", "--input", "{}", "--input-file", "f"], {}), /give one, not both/);
  });

  test("help lists each option with its variable and default", () => {
    const help = optionsHelp("serve");
    assert.match(help, /--port <value> +TCP port of the HTTP server\. \[env PORT\] \(default: 8080\)/);
    assert.match(help, /--max-inflight/);
    assert.doesNotMatch(help, /--input-file/);
  });
});

test("every integer option takes decimal digits only, not what Number() reads (0x10 was 16, 1e1 and 0b1010 were 10); leading zeros are decimal, as kubectl reads them", () => {
  const integers = (Object.entries(OPTIONS) as [string, OptionSpec][]).filter(([key, o]) => o.kind === "number" || key === "replicas" || key === "maxReplicas");
  assert.deepEqual(integers.map(([key]) => key).sort(), ["adminPort", "admissionPort", "drainTimeoutMs", "keepAliveTimeoutMs", "maxInflight", "maxReplicas", "port", "replicas", "shutdownDelayMs"].sort());
  for (const [key, option] of integers) {
    const command = option.commands[0]!;
    const value = (text: string) => (loadConfig(command, [`--${option.flag}=${text}`], {}).config as Record<string, unknown>)[key];
    // A sizing option's value is one for every workload (per-workload.ts).
    const read = (text: string) => (key === "replicas" || key === "maxReplicas" ? (value(text) as { default?: number }).default : value(text));
    for (const bad of ["0x10", "0X10", "1e1", "1E3", "0b1010", "0o12", "+5", "-0", "10.", "1.0", "1_000", "٣", "Infinity"]) {
      assert.throws(() => read(bad), (e: unknown) => e instanceof ConfigError && new RegExp(`--${option.flag}: (.*: )?must be a whole number from \\d+ to \\d+$`).test(e.message), `--${option.flag} ${bad}`);
    }
    const n = Math.max((BOUNDS as Record<string, readonly [number, number]>)[key]?.[0] ?? 0, 20);
    assert.equal(read(`00${n}`), n, `--${option.flag} 00${n}`);
    assert.equal(read(` ${n} `), n, `--${option.flag} " ${n} "`);
  }
  assert.throws(() => loadConfig("manifests", ["--replicas", "2,public=0x10"], {}), /--replicas: public=0x10: must be a whole number from 1 to 1000$/);
  assert.throws(() => loadConfig("serve", [], { PORT: "0x1F90" }), /PORT: must be a whole number from 0 to 65535$/);
});

test("an empty or blank number is refused, not read as 0", () => {
  assert.throws(() => loadConfig("serve", ["--port="], {}), /--port: /);
  assert.throws(() => loadConfig("serve", [], { PORT: "  " }), /PORT: /);
});

test("each option's default is written once: a value in DEFAULTS (shown as it is) or a defaultText, never both", () => {
  for (const [key, option] of Object.entries(OPTIONS) as [string, OptionSpec][]) {
    const inDefaults = key in DEFAULTS;
    assert.notEqual(inDefaults, option.defaultText !== undefined, key);
    if (inDefaults) assert.equal(defaultTextOf(key, option), String(DEFAULTS[key as keyof typeof DEFAULTS]));
  }
  // What help shows is what loading applies.
  const { config } = loadConfig("serve", [], {});
  assert.match(optionsHelp("serve"), new RegExp(`--port <value> .*\\(default: ${config.port}\\)`));
  assert.match(optionsHelp("serve"), /--max-inflight <value> .*\(default: 64\)/);
});

test("an option the argument parser refuses points at --help in one sentence (no doubled period)", () => {
  assert.throws(
    () => loadConfig("serve", ["--max-inflight", "-1"], {}),
    (e: unknown) => e instanceof ConfigError && e.message === '--max-inflight needs a value, and "-1" looks like an option (write --max-inflight=-1 to give it anyway). See `podfn serve --help`.',

  );
});
