import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Source } from '@parley/protocol';
import { minus, sourceProblem, ssrcsOf, union, type EndpointSources } from './sources.js';
import { toMediaSources } from './colibri2-bridge-client.js';

const id = 'abcdef01';
const src = (ssrc: number, name: string, owner = id): Source => ({ ssrc, name, owner });
const camera: EndpointSources = {
  audio: { sources: [src(1, `${id}-a0`)], groups: [] },
  video: { sources: [src(2, `${id}-v0`), src(3, `${id}-v0`)], groups: [{ semantics: 'FID', ssrcs: [2, 3] }] },
};
const screen: EndpointSources = {
  audio: { sources: [], groups: [] },
  video: { sources: [src(4, `${id}-v1`), src(5, `${id}-v1`)], groups: [{ semantics: 'FID', ssrcs: [4, 5] }] },
};

test('union and minus keep groups with their sources', () => {
  const both = union(camera, screen);
  assert.deepEqual(ssrcsOf(both), [1, 2, 3, 4, 5]);
  assert.equal(both.video.groups.length, 2);
  assert.deepEqual(union(both, screen), both, 'adding the same sources twice changes nothing');
  const back = minus(both, screen);
  assert.deepEqual(back, camera);
});

test('a participant may only announce its own, well-named, unused sources', () => {
  assert.equal(sourceProblem(id, camera, new Set()), undefined);
  assert.match(
    sourceProblem(id, { ...camera, audio: { sources: [src(9, 'deadbeef-a0', 'deadbeef')], groups: [] } }, new Set())!,
    /owned by "deadbeef", not by the sender/,
  );
  assert.match(
    sourceProblem(id, { ...camera, audio: { sources: [src(9, `${id}-v0`)], groups: [] } }, new Set())!,
    /audio source name .* must look like abcdef01-a0/,
  );
  assert.match(sourceProblem(id, camera, new Set([2]))!, /ssrc 2 is already used by another participant/);
  assert.match(
    sourceProblem(
      id,
      { ...camera, video: { sources: camera.video.sources, groups: [{ semantics: 'FID', ssrcs: [2, 7] }] } },
      new Set(),
    )!,
    /mentions ssrc 7, which is not announced/,
  );
});

test('colibri2 media sources are one per source name, each with its own groups', () => {
  const ms = toMediaSources(union(camera, screen));
  assert.deepEqual(
    ms.map((m) => [m.type, m.id, m.sources.map((s) => s.ssrc), m.ssrcGroups.map((g) => g.ssrcs)]),
    [
      ['audio', `${id}-a0`, [1], []],
      ['video', `${id}-v0`, [2, 3], [[2, 3]]],
      ['video', `${id}-v1`, [4, 5], [[4, 5]]],
    ],
  );
});

test('SIM and FID groups must describe one simulcast source: layers, one RTX each, nothing shared', () => {
  const v = `${id}-v0`;
  const layers = [src(10, v), src(11, v), src(12, v), src(20, v), src(21, v), src(22, v)];
  const sim = (...ssrcs: number[]) => ({ semantics: 'SIM', ssrcs });
  const fid = (...ssrcs: number[]) => ({ semantics: 'FID', ssrcs });
  const video = (groups: { semantics: string; ssrcs: number[] }[], sources = layers): EndpointSources => ({
    audio: camera.audio,
    video: { sources, groups },
  });
  const good = [sim(10, 11, 12), fid(10, 20), fid(11, 21), fid(12, 22)];
  assert.equal(sourceProblem(id, video(good), new Set()), undefined);
  const cases: [ReturnType<typeof video>, RegExp][] = [
    [video([sim(10, 11, 12, 20)]), /must list 1 to 3 ssrcs/],
    [video([sim(10, 11, 11)]), /repeats an ssrc/],
    [video([sim(10, 11), sim(11, 12)]), /ssrc 11 is in two SIM groups/],
    [video([fid(10, 20, 21)]), /must list a primary ssrc and its RTX ssrc/],
    [video([fid(10, 20), fid(10, 21)]), /ssrc 10 has two RTX ssrcs/],
    [video([sim(10, 11), fid(10, 11)]), /RTX of 10 and a simulcast layer/],
    [video([sim(10, 11)], [src(10, v), src(11, `${id}-v1`)]), /mixes the ssrcs of different sources/],
  ];
  for (const [sources, problem] of cases) assert.match(sourceProblem(id, sources, new Set()) ?? 'accepted', problem);
});
