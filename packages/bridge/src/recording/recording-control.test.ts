// The colibri2 `<recording>` extension at the bridge: start, status, names, stop, refusals.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  conferenceModifiedToXml,
  conferenceModifyToXml,
  parseConferenceModified,
  parseConferenceModify,
  ProtocolError,
  type IceTransport,
} from '@parley/protocol';
import { silentLogger } from '@parley/service';
import { Bridge } from '../model/bridge.js';
import type { MediaTransport } from '../model/media-transport.js';
import { roomFolder } from './recording-control.js';

const transport = (): MediaTransport =>
  ({
    state: 'new',
    local: { ufrag: 'u', pwd: 'p', fingerprints: [], candidates: [] } as unknown as IceTransport,
    start() {},
    restartIce: () => ({}) as IceTransport,
    onStateChange() {},
    onPacket() {},
    send() {},
    onDataChannelOpen() {},
    onDataChannelMessage() {},
    sendDataChannel() {},
    close() {},
  }) as unknown as MediaTransport;

test('the bridge starts, reports and stops a recording on colibri2 requests, and refuses what it cannot do', async () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-rec-ctl-'));
  let finished = '';
  const bridge = new Bridge({
    log: silentLogger,
    transports: { createTransport: transport },
    recordings: { dir: root, minFreeBytes: 0, onFinished: (d) => (finished = d) },
  });
  try {
    // Through the XML codec, as the focus sends it.
    const wire = (m: Parameters<typeof conferenceModifyToXml>[0]) =>
      parseConferenceModified(
        conferenceModifiedToXml(bridge.handleConferenceModify(parseConferenceModify(conferenceModifyToXml(m)))),
      );
    wire({
      meetingId: 'm1',
      name: 'standup@conference.meet.example',
      create: true,
      endpoints: [{ id: 'aaaa0001', create: true }],
    });
    const on = wire({ meetingId: 'm1', endpoints: [], recording: { action: 'start', names: { aaaa0001: 'Ann' } } });
    assert.equal(on.recording?.state, 'on');
    assert.match(on.recording?.dir ?? '', /standup[/]\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    assert.equal(
      wire({ meetingId: 'm1', endpoints: [], recording: { action: 'start' } }).recording?.dir,
      on.recording?.dir,
    );
    assert.equal(wire({ meetingId: 'm1', endpoints: [], recording: { action: 'status' } }).recording?.state, 'on');
    const off = wire({ meetingId: 'm1', endpoints: [], recording: { action: 'stop' } });
    assert.deepEqual(off.recording, { state: 'off', dir: on.recording?.dir, reason: 'requested' });
    for (const deadline = Date.now() + 10_000; !finished && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(finished, on.recording?.dir);
    assert.equal(JSON.parse(readFileSync(join(finished, 'manifest.json'), 'utf8')).stopReason, 'requested');
    assert.throws(
      () =>
        parseConferenceModify(
          conferenceModifyToXml({ meetingId: 'm1', endpoints: [], recording: { action: 'rewind' as 'stop' } }),
        ),
      /action must be one of start, stop, status/,
    );
  } finally {
    bridge.close();
    rmSync(root, { recursive: true, force: true });
  }
  const disabled = new Bridge({ log: silentLogger, transports: { createTransport: transport } });
  disabled.handleConferenceModify({ meetingId: 'm2', create: true, endpoints: [] });
  assert.throws(
    () => disabled.handleConferenceModify({ meetingId: 'm2', endpoints: [], recording: { action: 'start' } }),
    (e: Error) => e instanceof ProtocolError && e.condition === 'feature-not-implemented',
  );
  disabled.close();
});

test('recording folders are named from the room without path tricks', () => {
  assert.equal(roomFolder('standup@conference.x', 'm'), 'standup');
  assert.equal(roomFolder('../../etc@conference.x', 'm'), '_.._etc');
  assert.equal(roomFolder(undefined, 'meeting/1'), 'meeting_1');
});

test('the live stream is its own session on the same extension (mode="stream"), beside the recording', async () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-stream-ctl-'));
  const bridge = new Bridge({
    log: silentLogger,
    transports: { createTransport: transport },
    recordings: { dir: root, minFreeBytes: 0 },
  });
  try {
    const wire = (m: Parameters<typeof conferenceModifyToXml>[0]) =>
      parseConferenceModified(
        conferenceModifiedToXml(bridge.handleConferenceModify(parseConferenceModify(conferenceModifyToXml(m)))),
      );
    wire({ meetingId: 'm2', name: 'live@conference.meet.example', create: true, endpoints: [] });
    const url = 'rtmp://127.0.0.1:1/live/key-xyz';
    // Waiting for media: pending, no error yet; the file recording is untouched.
    const started = wire({ meetingId: 'm2', endpoints: [], recording: { action: 'start', mode: 'stream', url } });
    assert.equal(started.recording?.state, 'pending');
    assert.equal(started.recording?.mode, 'stream');
    assert.equal(wire({ meetingId: 'm2', endpoints: [], recording: { action: 'status' } }).recording?.state, 'off');
    assert.throws(
      () => wire({ meetingId: 'm2', endpoints: [], recording: { action: 'start', mode: 'stream' } }),
      /needs a url/,
    );
    const stopped = wire({ meetingId: 'm2', endpoints: [], recording: { action: 'stop', mode: 'stream' } });
    assert.equal(stopped.recording?.state, 'off');
    const after = wire({ meetingId: 'm2', endpoints: [], recording: { action: 'status', mode: 'stream' } });
    assert.deepEqual([after.recording?.state, after.recording?.reason], ['off', 'requested']);
  } finally {
    bridge.close();
    rmSync(root, { recursive: true, force: true });
  }
});
