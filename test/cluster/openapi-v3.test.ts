/**
 * `/openapi/v3` publishes a custom resource's schema as the real 1.32 server does (the CRD
 * version's openAPIV3Schema with apiVersion, kind and an ObjectMeta `metadata`, the List kind,
 * the meta schemas they refer to), each group version's document named in the index by the hash
 * of its content, so real kubectl (1.32) `explain` prints a CRD's descriptions and types and
 * sees a changed CRD. The kubectl cases are skipped when kubectl is not on PATH.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { eventually, kubectlCluster, type KubectlCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const OBJECT_META = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

function widgets(sizeDescription: string): Record<string, any> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "widgets", kind: "Widget" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: "Widget is a thing with a size.",
              properties: {
                spec: {
                  type: "object",
                  description: "The desired widget.",
                  required: ["size"],
                  properties: {
                    size: { type: "integer", description: sizeDescription, minimum: 1 },
                    port: { "x-kubernetes-int-or-string": true, description: "A port." },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

/** The index's URL of a group version's document. */
async function documentUrl(t: KubectlCluster, path: string): Promise<string> {
  const index = await t.send("GET", "/openapi/v3");
  return index.body.paths[path]?.serverRelativeURL;
}

describe("/openapi/v3 with custom resources", () => {
  let t: KubectlCluster;
  before(async () => {
    t = await kubectlCluster();
    const created = await t.send("POST", CRDS, { body: widgets("How big the widget is.") });
    assert.equal(created.status, 201, created.text);
    await eventually(async () => (await documentUrl(t, "apis/example.com/v1")) ?? undefined);
  });
  after(() => t.close());

  test("a CRD version's document carries the CR's kind and list schemas and the meta schemas they refer to", async () => {
    const url = await documentUrl(t, "apis/example.com/v1");
    assert.match(url, /^\/openapi\/v3\/apis\/example\.com\/v1\?hash=[0-9A-F]{128}$/);
    const res = await t.send("GET", url);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.etag, `"${url.split("hash=")[1]}"`);
    assert.equal(res.headers["cache-control"], "public, immutable");
    const schemas = res.body.components.schemas;
    const widget = schemas["com.example.v1.Widget"];
    assert.deepEqual(widget["x-kubernetes-group-version-kind"], [{ group: "example.com", kind: "Widget", version: "v1" }]);
    assert.equal(widget.type, "object");
    assert.equal(widget.description, "Widget is a thing with a size.");
    assert.deepEqual(widget.properties.metadata, {
      allOf: [{ $ref: OBJECT_META }],
      description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    });
    assert.equal(widget.properties.apiVersion.type, "string");
    assert.match(widget.properties.kind.description, /^Kind is a string value representing the REST resource/);
    assert.deepEqual(widget.properties.spec.properties.size, { type: "integer", description: "How big the widget is.", minimum: 1 });
    // Unfolded as the structural schema's Unfold does: an int-or-string is anyOf integer, string.
    assert.deepEqual(widget.properties.spec.properties.port, { "x-kubernetes-int-or-string": true, description: "A port.", anyOf: [{ type: "integer" }, { type: "string" }] });
    const list = schemas["com.example.v1.WidgetList"];
    assert.deepEqual(list["x-kubernetes-group-version-kind"], [{ group: "example.com", kind: "WidgetList", version: "v1" }]);
    assert.equal(list.description, "WidgetList is a list of Widget");
    assert.deepEqual(list.required, ["items"]);
    assert.deepEqual(list.properties.items, {
      type: "array",
      description: "List of widgets. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md",
      items: { $ref: "#/components/schemas/com.example.v1.Widget" },
    });
    for (const name of ["ObjectMeta", "ListMeta", "ManagedFieldsEntry", "OwnerReference", "Time", "FieldsV1"]) {
      assert.ok(schemas[`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`], name);
    }
    // Every reference resolves within the document.
    for (const ref of JSON.stringify(res.body).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(schemas[ref[1]!], ref[1]);
  });

  test("a changed CRD changes its document's hash; a built-in group version keeps serving no schemas", async () => {
    const before = await documentUrl(t, "apis/example.com/v1");
    const current = (await t.send("GET", `${CRDS}/widgets.example.com`)).body;
    current.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.description = "The widget's size.";
    const updated = await t.send("PUT", `${CRDS}/widgets.example.com`, { body: current });
    assert.equal(updated.status, 200, updated.text);
    const after = await documentUrl(t, "apis/example.com/v1");
    assert.notEqual(after, before);
    const doc = (await t.send("GET", after)).body;
    assert.equal(doc.components.schemas["com.example.v1.Widget"].properties.spec.properties.size.description, "The widget's size.");
    const core = await t.send("GET", await documentUrl(t, "api/v1"));
    assert.deepEqual(core.body.components.schemas, {});
    // Put it back for the kubectl case.
    const again = (await t.send("GET", `${CRDS}/widgets.example.com`)).body;
    again.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.description = "How big the widget is.";
    assert.equal((await t.send("PUT", `${CRDS}/widgets.example.com`, { body: again })).status, 200);
  });

  test("kubectl explain prints a custom resource's fields and descriptions", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const cacheDir = join(t.dir, "cache");
    const top = await t.kubectl("--cache-dir", cacheDir, "explain", "widgets");
    assert.match(top, /^GROUP: +example\.com\nKIND: +Widget\nVERSION: +v1\n/);
    assert.match(top, /DESCRIPTION:\n +Widget is a thing with a size\.\n/);
    assert.match(top, /metadata\t<ObjectMeta>\n +Standard object's metadata\./);
    assert.match(top, /spec\t<Object>\n +The desired widget\./);
    const size = await t.kubectl("--cache-dir", cacheDir, "explain", "widgets.spec.size");
    assert.match(size, /FIELD: +size <integer>\n/);
    assert.match(size, /DESCRIPTION:\n +How big the widget is\.\n/);
    const name = await t.kubectl("--cache-dir", cacheDir, "explain", "widgets.metadata.name");
    assert.match(name, /FIELD: +name <string>\n/);
    // A changed CRD is seen through the same cache (its document's URL changed).
    const current = (await t.send("GET", `${CRDS}/widgets.example.com`)).body;
    current.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.description = "Bigger is better.";
    assert.equal((await t.send("PUT", `${CRDS}/widgets.example.com`, { body: current })).status, 200);
    const changed = await t.kubectl("--cache-dir", cacheDir, "explain", "widgets.spec.size");
    assert.match(changed, /DESCRIPTION:\n +Bigger is better\.\n/);
  });
});
