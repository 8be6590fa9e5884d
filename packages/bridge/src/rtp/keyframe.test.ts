import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKeyframe } from './keyframe.js';

const h = (...bytes: number[]): Buffer => Buffer.from(bytes);

test('VP8 (RFC 7741 payload descriptor)', () => {
  // X=0 S=1 PID=0, then VP8 payload header with P=0 (key frame)
  assert.equal(isKeyframe(h(0x10, 0x50, 0x9d), 'vp8'), true);
  assert.equal(isKeyframe(h(0x10, 0x51), 'vp8'), false, 'P=1: interframe');
  assert.equal(isKeyframe(h(0x00, 0x50), 'vp8'), false, 'S=0: not the start');
  assert.equal(isKeyframe(h(0x11, 0x50), 'vp8'), false, 'PID=1');
  // X=1: I L T set, M=1 15-bit picture id, TL0PICIDX, TID/Y/KEYIDX
  assert.equal(isKeyframe(h(0x90, 0xe0, 0x80, 0x01, 0x05, 0x40, 0x50), 'vp8'), true);
  assert.equal(isKeyframe(h(0x90, 0xe0, 0x80, 0x01, 0x05, 0x40, 0x51), 'vp8'), false);
  // 7-bit picture id
  assert.equal(isKeyframe(h(0x90, 0x80, 0x12, 0x50), 'vp8'), true);
  // K only
  assert.equal(isKeyframe(h(0x90, 0x10, 0x03, 0x50), 'vp8'), true);
  assert.equal(isKeyframe(h(0x90, 0xe0, 0x80), 'vp8'), false, 'truncated');
  assert.equal(isKeyframe(h(0x90), 'vp8'), false);
  assert.equal(isKeyframe(h(), 'vp8'), false);
});

test('VP9 (P and B flags, spatial layer 0)', () => {
  assert.equal(isKeyframe(h(0x08), 'vp9'), true, 'B=1 P=0');
  assert.equal(isKeyframe(h(0x48), 'vp9'), false, 'P=1');
  assert.equal(isKeyframe(h(0x00), 'vp9'), false, 'B=0');
  // I=1 L=1 B=1, 15-bit picture id, layer indices SID=0
  assert.equal(isKeyframe(h(0xa8, 0x81, 0x23, 0x00, 0x05), 'vp9'), true);
  assert.equal(isKeyframe(h(0xa8, 0x81, 0x23, 0x02, 0x05), 'vp9'), false, 'SID=1');
  assert.equal(isKeyframe(h(0xa8, 0x81), 'vp9'), false, 'truncated');
  assert.equal(isKeyframe(h(), 'vp9'), false);
});

test('H264 single NAL, STAP-A, FU-A (RFC 6184)', () => {
  assert.equal(isKeyframe(h(0x65, 0x88), 'h264'), true, 'IDR');
  assert.equal(isKeyframe(h(0x67, 0x42), 'h264'), true, 'SPS');
  assert.equal(isKeyframe(h(0x41, 0x9a), 'h264'), false, 'non-IDR');
  assert.equal(
    isKeyframe(h(0x78, 0x00, 0x04, 0x67, 0x42, 0x00, 0x1f, 0x00, 0x02, 0x68, 0xce), 'h264'),
    true,
    'STAP-A SPS+PPS',
  );
  assert.equal(isKeyframe(h(0x78, 0x00, 0x02, 0x68, 0xce, 0x00, 0x02, 0x65, 0x88), 'h264'), true, 'STAP-A PPS+IDR');
  assert.equal(isKeyframe(h(0x78, 0x00, 0x02, 0x41, 0x00), 'h264'), false);
  assert.equal(isKeyframe(h(0x78, 0x00, 0x09, 0x65), 'h264'), false, 'STAP-A size past end');
  assert.equal(isKeyframe(h(0x7c, 0x85, 0x00), 'h264'), true, 'FU-A start of IDR');
  assert.equal(isKeyframe(h(0x7c, 0x45, 0x00), 'h264'), false, 'FU-A end of IDR');
  assert.equal(isKeyframe(h(0x7c, 0x81, 0x00), 'h264'), false, 'FU-A start of non-IDR');
  assert.equal(isKeyframe(h(0x7c), 'h264'), false);
  assert.equal(isKeyframe(h(), 'h264'), false);
});

test('AV1 N bit', () => {
  assert.equal(isKeyframe(h(0x18), 'av1'), true);
  assert.equal(isKeyframe(h(0x10), 'av1'), false);
});
