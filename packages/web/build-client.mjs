#!/usr/bin/env node
// Bundles the browser client: src/client/main.tsx -> dist/public/app.js, and copies
// src/client/public/* (index.html, app.css, favicon.svg) next to it; src/client/embed/external-api.ts ->
// dist/public/external_api.js (the embed API other pages load). `--watch` rebuilds the app.
// No source map by default (it would hand the readable source to anyone): `--dev` (or `--watch`)
// writes app.js.map for debugging; the web server never serves *.map either way.
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, 'src', 'client', 'main.tsx');
const publicSrc = join(here, 'src', 'client', 'public');
const outDir = join(here, 'dist', 'public');

function fail(message) {
  console.error(`build-client: ${message}`);
  process.exit(1);
}
if (!existsSync(entry))
  fail(`missing ${entry}: the browser client entry point (src/client/main.tsx) is not written yet`);
if (!existsSync(publicSrc)) fail(`missing ${publicSrc}: it must hold index.html, app.css and favicon.svg`);
if (!existsSync(join(publicSrc, 'index.html'))) fail(`missing ${join(publicSrc, 'index.html')}`);

// Node built-ins must never reach the browser bundle: fail the build, naming the importer. A bare
// name with an installed browser polyfill of the same name (the "events" package) is fine.
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'polyfill-probe' || args.kind === 'entry-point' || !nodeBuiltins.has(args.path))
        return undefined;
      if (!args.path.startsWith('node:')) {
        const r = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'polyfill-probe',
        });
        if (!r.errors.length && !r.external && r.path.includes(`${sep}node_modules${sep}`)) return { path: r.path };
      }
      return {
        errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer} cannot run in the browser` }],
      };
    });
  },
};

// esbuild matches a package.json "browser": {"./lib/dns": false} entry only when the import is
// spelled exactly so; xmpp.js imports "./lib/dns.js". Honour such `false` entries for any spelling.
function packageRoot(file) {
  for (let d = dirname(file); d !== dirname(d); d = dirname(d)) if (existsSync(join(d, 'package.json'))) return d;
  return undefined;
}
const browserFalse = {
  name: 'browser-field-false',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const root = args.importer && packageRoot(args.importer);
      if (!root || !root.includes(`${sep}node_modules${sep}`)) return undefined;
      const map = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).browser;
      if (!map || typeof map !== 'object') return undefined;
      const abs = resolvePath(args.resolveDir, args.path);
      const rel = './' + relative(root, abs).split(sep).join('/');
      const candidates = [rel, rel.replace(/\.(c|m)?js$/, '')];
      if (candidates.some((c) => map[c] === false)) return { path: abs, namespace: 'browser-disabled' };
      return undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'browser-disabled' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

mkdirSync(outDir, { recursive: true });
const dev = process.argv.includes('--dev') || process.argv.includes('--watch');
if (!dev) rmSync(join(outDir, 'app.js.map'), { force: true }); // a map left by an earlier dev build
const options = {
  entryPoints: [entry],
  outfile: join(outDir, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  mainFields: ['browser', 'module', 'main'],
  conditions: ['browser'],
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: dev,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  logLevel: 'info',
  metafile: true,
  plugins: [browserFalse, noNodeBuiltins],
};

function copyPublic() {
  for (const name of readdirSync(publicSrc)) cpSync(join(publicSrc, name), join(outDir, name), { recursive: true });
}

// --demo: the UI on the fake store (ui/fake-store.ts), for UI work and screenshots, into dist/demo/;
// never in dist/public, so the served app has no fake store in it.
if (process.argv.includes('--demo')) {
  const demoDir = join(here, 'dist', 'demo');
  mkdirSync(demoDir, { recursive: true });
  await esbuild.build({
    ...options,
    entryPoints: [join(here, 'src', 'client', 'demo.tsx')],
    outfile: join(demoDir, 'app.js'),
  });
  for (const name of readdirSync(publicSrc)) cpSync(join(publicSrc, name), join(demoDir, name), { recursive: true });
  console.log(
    `build-client: ${demoDir}/index.html (fake store: serve that folder, e.g. python3 -m http.server -d packages/web/dist/demo)`,
  );
  process.exit(0);
}

if (process.argv.includes('--watch')) {
  const ctx = await esbuild.context({
    ...options,
    plugins: [...options.plugins, { name: 'copy-public', setup: (b) => b.onEnd(copyPublic) }],
  });
  await ctx.watch();
  console.log(`build-client: watching ${entry}`);
} else {
  try {
    const result = await esbuild.build(options);
    // The embed API for other sites' pages: a classic script (window.JitsiMeetExternalAPI), no imports.
    await esbuild.build({
      ...options,
      entryPoints: [join(here, 'src', 'client', 'embed', 'external-api.ts')],
      outfile: join(outDir, 'external_api.js'),
      format: 'iife',
      jsx: undefined,
      jsxImportSource: undefined,
      metafile: false,
      legalComments: 'none',
      logLevel: 'warning',
    });
    copyPublic();
    const bytes =
      result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith('app.js'))]?.bytes ?? 0;
    console.log(
      `build-client: ${outDir}/app.js (${(bytes / 1024).toFixed(0)} KiB) and ${readdirSync(publicSrc).join(', ')}`,
    );
  } catch {
    fail('esbuild failed (errors above)');
  }
}
