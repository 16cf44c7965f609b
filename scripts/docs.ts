/**
 * @module scripts/docs
 * `npm run docs`: refreshes the generated parts of README.md (the options table).
 */
import { readFile, writeFile } from "node:fs/promises";
import { withOptionsTable } from "../runtime/options-doc.js";

const path = new URL("../README.md", import.meta.url);
await writeFile(path, withOptionsTable(await readFile(path, "utf8")));
console.log("README.md: options table refreshed");
