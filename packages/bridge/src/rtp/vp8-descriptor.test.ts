import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseVp8Descriptor,
  pictureIdDiff,
  vp8KeyframeSize,
  writeVp8PictureId,
  writeVp8Tl0PicIdx,
} from './vp8-descriptor.js';

const h = (...bytes: number[]): Buffer => Buffer.from(bytes);

test('parses the descriptor: 15-bit picture id, TL0PICIDX, TID', () => {
  // X=1 S=1 PID=0; I L T; M=1 id 0x1234; TL0PICIDX 7; TID 2 Y=1; then VP8 header
  const p = h(0x90, 0xe0, 0x92, 0x34, 0x07, 0xa0, 0x50);
  const d = parseVp8Descriptor(p)!;
  assert.deepEqual(
    { ...d },
    {
      start: true,
      partition: 0,
      pictureId: 0x1234,
      pictureIdBits: 15,
      pictureIdOffset: 2,
      tl0PicIdx: 7,
      tl0PicIdxOffset: 4,
      tid: 2,
      length: 6,
    },
  );
});

test('parses 7-bit picture ids, no X byte, and K alone', () => {
  assert.deepEqual(
    { ...parseVp8Descriptor(h(0x80, 0x80, 0x12, 0x50)) },
    { start: false, partition: 0, pictureId: 0x12, pictureIdBits: 7, pictureIdOffset: 2, length: 3 },
  );
  assert.deepEqual({ ...parseVp8Descriptor(h(0x13, 0x50)) }, { start: true, partition: 3, length: 1 });
  assert.equal(parseVp8Descriptor(h(0x90, 0x10, 0x03))!.length, 3, 'K only: one byte of TID/Y/KEYIDX');
});

test('truncated descriptors are refused, never read past the end', () => {
  for (const p of [h(), h(0x90), h(0x90, 0x80), h(0x90, 0x80, 0x80), h(0x90, 0x40), h(0x90, 0x20)])
    assert.equal(parseVp8Descriptor(p), undefined, p.toString('hex'));
});

test('rewrites picture ids keeping their width, and TL0PICIDX', () => {
  const p15 = h(0x90, 0xc0, 0x80, 0x01, 0x09, 0x50);
  const d15 = parseVp8Descriptor(p15)!;
  writeVp8PictureId(p15, d15, 0x7fff + 3); // wraps at 2^15
  writeVp8Tl0PicIdx(p15, d15, 0x101);
  assert.deepEqual([...p15], [0x90, 0xc0, 0x80, 0x02, 0x01, 0x50]);
  const p7 = h(0x90, 0x80, 0x05, 0x50);
  const d7 = parseVp8Descriptor(p7)!;
  writeVp8PictureId(p7, d7, 0x1234);
  assert.deepEqual([...p7], [0x90, 0x80, 0x34, 0x50], 'a 7-bit field keeps M=0 and the low 7 bits');
  assert.equal(parseVp8Descriptor(p7)!.pictureId, 0x34);
});

test('picture id distance wraps at the field width', () => {
  assert.equal(pictureIdDiff(0, 0x7fff, 15), 1);
  assert.equal(pictureIdDiff(0x7fff, 0, 15), -1);
  assert.equal(pictureIdDiff(2, 127, 7), 3);
});

test('reads the frame size of a VP8 keyframe, and nothing from an inter frame', () => {
  // descriptor (X=1, I, 15-bit id), frame tag (P=0), start code, width 640 | scale, height 360
  const key = h(0x90, 0x80, 0x80, 0x01, 0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x42, 0x68, 0x01);
  assert.deepEqual(vp8KeyframeSize(key), { width: 640, height: 360 }, 'the 2 scale bits are not part of the size');
  const inter = Buffer.from(key);
  inter[4] |= 0x01;
  assert.equal(vp8KeyframeSize(inter), undefined);
  const bad = Buffer.from(key);
  bad[8] = 0x02;
  assert.equal(vp8KeyframeSize(bad), undefined, 'no start code');
  assert.equal(vp8KeyframeSize(key.subarray(0, 10)), undefined, 'truncated');
});
