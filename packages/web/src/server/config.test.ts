import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { buildParleyConfig, renderConfigJs, type ParleyConfigJson } from './config.js';

describe('config.js', () => {
  it('derives the XMPP addresses from the domain, with same-origin URLs', () => {
    assert.deepEqual(buildParleyConfig('meet.lan'), {
      domain: 'meet.lan',
      mucDomain: 'conference.meet.lan',
      focusJid: 'focus.meet.lan',
      websocketUrl: '/xmpp-websocket',
      boshUrl: '/http-bind',
      doctorUrl: '/doctor',
      language: null,
      turn: false,
    });
  });

  it('applies overrides and rejects unknown keys and bad values by name', () => {
    const c = buildParleyConfig('meet.lan', { websocketUrl: 'wss://127.0.0.1:9/xmpp-websocket', language: 'zh-CN' });
    assert.equal(c.websocketUrl, 'wss://127.0.0.1:9/xmpp-websocket');
    assert.equal(c.language, 'zh-CN');
    assert.throws(
      () => buildParleyConfig('meet.lan', { nope: 'x' } as Partial<ParleyConfigJson>),
      /unknown key "nope"/,
    );
    assert.throws(() => buildParleyConfig('meet.lan', { boshUrl: '' }), /"boshUrl"/);
    assert.throws(() => buildParleyConfig('meet.lan', { language: 5 as unknown as string }), /"language"/);
    assert.equal(
      buildParleyConfig('meet.lan', { turn: true, iceTransportPolicy: 'relay' }).iceTransportPolicy,
      'relay',
    );
    assert.throws(() => buildParleyConfig('meet.lan', { turn: 'yes' as unknown as boolean }), /"turn"/);
    assert.throws(
      () => buildParleyConfig('meet.lan', { iceTransportPolicy: 'none' as unknown as 'all' }),
      /"iceTransportPolicy"/,
    );
  });

  it('renders a script that sets window.PARLEY_CONFIG and cannot close a <script> element', () => {
    const cfg = buildParleyConfig('meet.lan', { doctorUrl: '/doctor</script><script>alert(1)</script>' });
    const js = renderConfigJs(cfg);
    assert.match(js, /^window\.PARLEY_CONFIG = \{/);
    assert.doesNotMatch(js, /<\/script/i);
    const window: { PARLEY_CONFIG?: unknown } = {};
    runInNewContext(js, { window });
    assert.deepEqual(JSON.parse(JSON.stringify(window.PARLEY_CONFIG)), cfg);
  });
});
