import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  COLIBRI_CLASSES,
  MAX_BRIDGE_CHANNEL_MESSAGE,
  UnknownColibriClassError,
  encodeBridgeChannelMessage,
  parseBridgeChannelMessage,
  utf8Length,
  type BridgeChannelMessage,
} from './index.js';

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/messages.json', import.meta.url), 'utf8')) as unknown[];
const throwsNaming = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && re.test(e.message));

test('every fixture parses, and parse -> encode -> parse is stable', () => {
  const seen = new Set<string>();
  for (const f of fixtures) {
    const m = parseBridgeChannelMessage(JSON.stringify(f));
    seen.add(m.colibriClass);
    assert.deepEqual(parseBridgeChannelMessage(encodeBridgeChannelMessage(m)), m);
  }
  assert.deepEqual([...seen].sort(), [...COLIBRI_CLASSES].sort());
});

test('typed round trips keep unknown fields', () => {
  const msgs: BridgeChannelMessage[] = [
    { colibriClass: 'EndpointMessage', to: 'deadbeef', msgPayload: { type: 'chat', n: [1, 2] }, extra: 'kept' },
    { colibriClass: 'ReceiverVideoConstraints', lastN: -1 },
    { colibriClass: 'EndpointStats', from: 'a1b2c3d4', anything: { nested: true } },
    { colibriClass: 'EndpointConnectivityStatusChangeEvent', endpoint: 'a1b2c3d4', active: false },
    { colibriClass: 'ServerHello' },
  ];
  for (const m of msgs) assert.deepEqual(parseBridgeChannelMessage(encodeBridgeChannelMessage(m)), m);
});

test('EndpointConnectivityStatusChangeEvent: "true" strings like jitsi-videobridge, booleans accepted', () => {
  const text = encodeBridgeChannelMessage({
    colibriClass: 'EndpointConnectivityStatusChangeEvent',
    endpoint: 'e',
    active: true,
  });
  assert.equal(JSON.parse(text).active, 'true');
  const m = parseBridgeChannelMessage(
    '{"colibriClass":"EndpointConnectivityStatusChangeEvent","endpoint":"e","active":false}',
  );
  assert.equal(m.colibriClass === 'EndpointConnectivityStatusChangeEvent' && m.active, false);
});

test('malformed messages name the problem', () => {
  throwsNaming(() => parseBridgeChannelMessage('{"colibriClass":'), /not JSON/);
  throwsNaming(() => parseBridgeChannelMessage('[1,2]'), /not a JSON object/);
  throwsNaming(() => parseBridgeChannelMessage('null'), /not a JSON object/);
  throwsNaming(() => parseBridgeChannelMessage('{"to":"x"}'), /no colibriClass/);
  throwsNaming(() => parseBridgeChannelMessage('{"colibriClass":7}'), /'colibriClass' has wrong type/);
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"PinnedEndpointChangedEvent"}'),
    /unknown colibriClass 'PinnedEndpointChangedEvent'/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"EndpointMessage","msgPayload":{}}'),
    /EndpointMessage: missing field 'to'/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"EndpointMessage","to":""}'),
    /missing field 'msgPayload'/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"EndpointMessage","to":5,"msgPayload":1}'),
    /field 'to' has wrong type/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"ReceiverVideoConstraints","lastN":"20"}'),
    /field 'lastN' has wrong type/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"ReceiverVideoConstraints","onStageSources":[1]}'),
    /field 'onStageSources' has wrong type/,
  );
  throwsNaming(
    () =>
      parseBridgeChannelMessage(
        '{"colibriClass":"ReceiverVideoConstraints","constraints":{"x-v0":{"maxHeight":"720"}}}',
      ),
    /field 'constraints\.x-v0\.maxHeight'/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"ReceiverVideoConstraints","defaultConstraints":3}'),
    /field 'defaultConstraints'/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"ForwardedSources"}'),
    /missing field 'forwardedSources'/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"DominantSpeakerEndpointChangeEvent"}'),
    /missing field 'dominantSpeakerEndpoint'/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"SenderSourceConstraints","sourceName":"x","maxHeight":null}'),
    /field 'maxHeight' has wrong type/,
  );
  throwsNaming(
    () =>
      parseBridgeChannelMessage(
        '{"colibriClass":"EndpointConnectivityStatusChangeEvent","endpoint":"e","active":"yes"}',
      ),
    /field 'active'/,
  );
  throwsNaming(
    () =>
      encodeBridgeChannelMessage({
        colibriClass: 'SenderSourceConstraints',
        sourceName: 'x',
      } as unknown as BridgeChannelMessage),
    /missing field 'maxHeight'/,
  );
});

test("lib-jitsi-meet's messages: video type, last-N, audio subscription; unknown classes are their own error", () => {
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"SourceVideoTypeMessage","sourceName":"x-v0","videoType":"tv"}'),
    /field 'videoType' has wrong type \(expected one of camera, desktop, desktop_high_fps, none\)/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"SourceVideoTypeMessage","videoType":"camera"}'),
    /missing field 'sourceName'/,
  );
  throwsNaming(() => parseBridgeChannelMessage('{"colibriClass":"LastNChangedEvent"}'), /missing field 'lastN'/);
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"ReceiverAudioSubscription","mode":"Some"}'),
    /field 'mode' has wrong type/,
  );
  throwsNaming(
    () => parseBridgeChannelMessage('{"colibriClass":"ReceiverAudioSubscription","mode":"Include","list":[1]}'),
    /field 'list' has wrong type/,
  );
  assert.throws(
    () => parseBridgeChannelMessage('{"colibriClass":"E2EPing","id":1}'),
    (e: unknown) => e instanceof UnknownColibriClassError && e.colibriClass === 'E2EPing',
  );
  assert.throws(
    () => parseBridgeChannelMessage('{"colibriClass":"EndpointMessage"}'),
    (e: unknown) => e instanceof ProtocolError && !(e instanceof UnknownColibriClassError),
    'a known class with a missing field is malformed, not unknown',
  );
});

test('size limit: 64 KiB of UTF-8', () => {
  const wrap = (payload: string) => JSON.stringify({ colibriClass: 'EndpointMessage', to: '', msgPayload: payload });
  const overhead = wrap('').length;
  const atLimit = wrap('x'.repeat(MAX_BRIDGE_CHANNEL_MESSAGE - overhead));
  assert.equal(utf8Length(atLimit), MAX_BRIDGE_CHANNEL_MESSAGE);
  assert.doesNotThrow(() => parseBridgeChannelMessage(atLimit));
  assert.throws(
    () => parseBridgeChannelMessage(wrap('x'.repeat(MAX_BRIDGE_CHANNEL_MESSAGE))),
    (e: unknown) => e instanceof ProtocolError && /too large/.test(e.message) && e.condition === 'resource-constraint',
  );
  // multi-byte characters count in bytes, not code units
  const euro = wrap('€'.repeat(30000));
  assert.ok(euro.length < MAX_BRIDGE_CHANNEL_MESSAGE);
  throwsNaming(() => parseBridgeChannelMessage(euro), /too large/);
  throwsNaming(
    () => encodeBridgeChannelMessage({ colibriClass: 'EndpointMessage', to: '', msgPayload: 'y'.repeat(70000) }),
    /too large/,
  );
  assert.equal(utf8Length('a€😀'), 1 + 3 + 4);
});
