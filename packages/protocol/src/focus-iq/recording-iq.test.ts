import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from '../errors/protocol-error.js';
import { xml } from '../xml/element.js';
import {
  JIBRI_NS,
  jibriRequestToXml,
  parseJibriRequest,
  parseRecordingStatusPresence,
  parseStreamUrl,
  recordingStatusToPresenceXml,
  redactStreamUrl,
} from './recording-iq.js';

test('a live stream request round-trips with its address; file stays the default mode', () => {
  const url = 'rtmps://live.example.org:443/app/KEY-1';
  const r = parseJibriRequest(jibriRequestToXml({ action: 'start', mode: 'stream', room: 'r@c.d', streamUrl: url }));
  assert.deepEqual(r, { action: 'start', mode: 'stream', room: 'r@c.d', streamUrl: url });
  assert.equal(parseJibriRequest(xml('jibri', { xmlns: JIBRI_NS, action: 'start' })).mode, 'file');
});

test('a stream start without an rtmp(s) address, or another mode, is a bad request naming the problem', () => {
  for (const [attrs, message] of [
    [{ recording_mode: 'stream' }, /streamid/],
    [{ recording_mode: 'stream', streamid: 'http://x/y' }, /rtmp/],
    [{ recording_mode: 'stream', streamid: 'just-a-key' }, /rtmp/],
    [{ recording_mode: 'sip' }, /file or stream/],
  ] as const)
    assert.throws(
      () => parseJibriRequest(xml('jibri', { xmlns: JIBRI_NS, action: 'start', ...attrs })),
      (e: unknown) => e instanceof ProtocolError && e.condition === 'bad-request' && message.test(e.message),
    );
});

test('stream addresses: host parsed in lower case; the key never shows in the redacted form', () => {
  assert.deepEqual(parseStreamUrl('rtmp://Live.Example.org/app/k'), { scheme: 'rtmp', host: 'live.example.org' });
  assert.deepEqual(parseStreamUrl('rtmp://[::1]:1935/app/k'), { scheme: 'rtmp', host: '::1', port: 1935 });
  assert.throws(() => parseStreamUrl('rtmp://h:99999/a'), /port/);
  assert.equal(redactStreamUrl('rtmp://user:pw@h.example:1935/live/SECRET'), 'rtmp://h.example:1935/…');
  assert.doesNotMatch(
    (() => {
      try {
        parseStreamUrl('rtmp:/broken/SECRET');
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })(),
    /SECRET/,
  );
});

test('recording and live stream states sit side by side in one presence', () => {
  const presence = xml(
    'presence',
    {},
    recordingStatusToPresenceXml({ status: 'on', initiator: 'aaaaaaaa' }),
    recordingStatusToPresenceXml({ status: 'pending', mode: 'stream', error: 'Connection refused' }),
  );
  assert.equal(parseRecordingStatusPresence(presence)?.status, 'on');
  const stream = parseRecordingStatusPresence(presence, 'stream');
  assert.equal(stream?.status, 'pending');
  assert.equal(stream?.error, 'Connection refused');
});
