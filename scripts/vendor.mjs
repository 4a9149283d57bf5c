#!/usr/bin/env node
// Copies the pinned front-end packages from node_modules/ into static/vendor/, where the
// server serves them under /vendor/. There is no bundler: the pages load these files as is.
//
//   npm ci && node scripts/vendor.mjs
//
// Idempotent: creates the directories it needs and rewrites a file only when it changed.
// static/vendor/ is generated (and gitignored); package-lock.json pins what ends up in it.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modules = join(root, 'node_modules');
const vendor = join(root, 'static', 'vendor');

// [package, file inside the package, destination inside static/vendor/]
const files = [
  ['@utrecht/component-library-css', 'dist/index.css', 'utrecht/index.css'],
  ['@utrecht/component-library-css', 'LICENSE.md', 'utrecht/LICENSE.md'],
  // The Den Haag design tokens, scoped by the class .denhaag-theme; they set the --utrecht-* variables.
  ['@gemeente-denhaag/design-tokens-components', 'dist/theme/index.css', 'denhaag/theme.css'],
  ['@gemeente-denhaag/design-tokens-components', 'LICENSE.md', 'denhaag/LICENSE.md'],
  // The UMD build is self-contained (it bundles @kurkle/color) and needs no import map: load it
  // with <script src="/vendor/chart.js/chart.umd.js"> and use the global Chart.
  ['chart.js', 'dist/chart.umd.js', 'chart.js/chart.umd.js'],
  ['chart.js', 'LICENSE.md', 'chart.js/LICENSE.md'],
  ['@kurkle/color', 'LICENSE.md', 'chart.js/LICENSE-kurkle-color.md'],
];

function packageVersion(name) {
  const manifest = join(modules, name, 'package.json');
  if (!existsSync(manifest)) {
    throw new Error(`${name} is not installed in node_modules/ — run "npm ci" first`);
  }
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

const digest = (data) => createHash('sha256').update(data).digest('hex');

const versions = {};
let copied = 0;
for (const [pkg, from, to] of files) {
  versions[pkg] = packageVersion(pkg);
  const source = join(modules, pkg, from);
  const target = join(vendor, to);
  const data = readFileSync(source);
  if (existsSync(target) && digest(readFileSync(target)) === digest(data)) continue;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, data);
  copied += 1;
  console.log(`${relative(root, source)} -> ${relative(root, target)}`);
}

// What was copied, for whoever wonders which versions a running server uses.
const manifest = `${JSON.stringify(versions, null, 2)}\n`;
const manifestPath = join(vendor, 'versions.json');
if (!existsSync(manifestPath) || readFileSync(manifestPath, 'utf8') !== manifest) {
  mkdirSync(vendor, { recursive: true });
  writeFileSync(manifestPath, manifest);
  copied += 1;
}

console.log(copied === 0 ? 'static/vendor/ is up to date' : `static/vendor/: ${copied} file(s) written`);
