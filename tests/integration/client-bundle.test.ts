// What the served client bundle must not carry: the fake store used for UI work and screenshots
// (`build-client.mjs --demo` bundles it apart), and source maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const publicDir = fileURLToPath(new URL('../../packages/web/dist/public/', import.meta.url));
const fakeStore = fileURLToPath(new URL('../../packages/web/src/client/ui/fake-store.ts', import.meta.url));

test('the served bundle has no fake store and no source map', () => {
  const app = readFileSync(`${publicDir}app.js`, 'utf8');
  // The fake store's sample people: present in its source, so their absence from the bundle means something.
  const samples = [...readFileSync(fakeStore, 'utf8').matchAll(/'([A-Z][a-z]+ [A-Z][a-z]+)'/g)].map((m) => m[1]);
  assert.ok(samples.length >= 3, `sample names found in fake-store.ts: ${samples.join(', ')}`);
  assert.deepEqual(
    samples.filter((n) => app.includes(n)),
    [],
    'fake-store names in the served app.js',
  );
  assert.equal(existsSync(`${publicDir}app.js.map`), false);
  assert.doesNotMatch(app, /sourceMappingURL/);
});
