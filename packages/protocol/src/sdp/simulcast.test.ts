import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { answerToJingle } from './answer.js';
import { parseSdp, sdpAttribute, sdpAttributes } from './parse.js';
import { addSimulcastLayers, type SimulcastSsrcs } from './simulcast.js';

// A real Chromium answer to the focus's offer: the camera on mid "video" with one SSRC and its RTX.
const answer = readFileSync(new URL('./fixtures/chromium-answer.sdp', import.meta.url), 'utf8');
const CAMERA = 2718281828;
const CAMERA_RTX = 1618033988;

function counter(start: number): () => number {
  let n = start;
  return () => n++;
}

const videoOf = (sdp: string, mid = 'video') => parseSdp(sdp).media.find((m) => sdpAttribute(m.lines, 'mid') === mid)!;

test('the camera m-line gets a SIM group of 3 SSRCs, lowest layer first, each with an RTX FID partner', () => {
  const known = new Map<string, SimulcastSsrcs>();
  const out = addSimulcastLayers(answer, { mids: ['video'], layers: 3, known, newSsrc: counter(5000) });
  const m = videoOf(out);
  assert.deepEqual(sdpAttributes(m.lines, 'ssrc-group'), [
    `SIM ${CAMERA} 5000 5002`,
    `FID ${CAMERA} ${CAMERA_RTX}`,
    'FID 5000 5001',
    'FID 5002 5003',
  ]);
  const msid = sdpAttribute(m.lines, 'msid');
  for (const ssrc of [CAMERA, CAMERA_RTX, 5000, 5001, 5002, 5003]) {
    assert.ok(sdpAttributes(m.lines, 'ssrc').includes(`${ssrc} cname:Jq3vB9xW2rT5yU8i`), `cname of ${ssrc}`);
    assert.ok(sdpAttributes(m.lines, 'ssrc').includes(`${ssrc} msid:${msid}`), `msid of ${ssrc}`);
  }
  assert.deepEqual(known.get('video'), { primaries: [CAMERA, 5000, 5002], rtx: [CAMERA_RTX, 5001, 5003] });
  // Nothing else changes: the other m-lines are byte for byte the same.
  const before = parseSdp(answer);
  const after = parseSdp(out);
  assert.equal(after.media.length, before.media.length);
  for (let i = 0; i < before.media.length; i++)
    if (sdpAttribute(before.media[i]!.lines, 'mid') !== 'video') assert.deepEqual(after.media[i], before.media[i]);

  // The session-accept carries all six SSRCs as one source with the SIM and FID groups.
  const j = answerToJingle(out, { sid: 's', endpointId: 'e1e2e3e4' });
  const video = j.contents.find((c) => c.name === 'video')!.description!;
  assert.deepEqual(new Set(video.sources.map((s) => s.name)), new Set(['e1e2e3e4-v0']));
  assert.equal(video.sources.length, 6);
  assert.deepEqual(
    video.sourceGroups.map((g) => g.semantics),
    ['SIM', 'FID', 'FID', 'FID'],
  );
});

test('renegotiation keeps the same layer SSRCs; an m-line with SIM already, or not sending, is left alone', () => {
  const known = new Map<string, SimulcastSsrcs>();
  const first = addSimulcastLayers(answer, { mids: ['video'], layers: 3, known, newSsrc: counter(7000) });
  // The browser's next answer has only its own SSRCs again: the same layers are added back.
  const again = addSimulcastLayers(answer, { mids: ['video'], layers: 3, known, newSsrc: counter(9000) });
  assert.equal(again, first);
  assert.equal(addSimulcastLayers(first, { mids: ['video'], layers: 3, known, newSsrc: counter(1) }), first);
  // video-1 is a receiving m-line (recvonly): no SSRC of ours to multiply.
  assert.equal(addSimulcastLayers(answer, { mids: ['video-1'], layers: 3, known, newSsrc: counter(1) }), answer);
  assert.equal(addSimulcastLayers(answer, { mids: ['video'], layers: 1, known, newSsrc: counter(1) }), answer);
});

test('a drawn SSRC already on the m-line is never reused', () => {
  const draws = [CAMERA, CAMERA_RTX, 0, 11, 11, 12, 13, 14];
  const out = addSimulcastLayers(answer, {
    mids: ['video'],
    layers: 3,
    known: new Map(),
    newSsrc: () => draws.shift()!,
  });
  assert.deepEqual(sdpAttributes(videoOf(out).lines, 'ssrc-group')[0], `SIM ${CAMERA} 11 13`);
});
