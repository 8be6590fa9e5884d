import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcements as said, type AnnounceSnapshot, type Say } from './announce.js';
import type { Participant } from '../conference/participant.js';

const person = (id: string, name: string, extra: Partial<Participant> = {}): Participant => ({
  id,
  displayName: name,
  isLocal: false,
  moderator: false,
  audioMuted: false,
  videoMuted: false,
  screenSharing: false,
  ...extra,
});
// The English sentences (i18n/en.ts), without loading the browser's dictionary module.
const EN: Record<Parameters<Say>[0], string> = {
  'announce.joined': '{name} joined',
  'announce.left': '{name} left',
  'announce.handRaised': '{name} raised their hand',
  'announce.message': 'Message from {name}: {text}',
  'announce.privateMessage': 'Private message from {name}: {text}',
};
const say: Say = (key, vars) => EN[key].replace(/\{(\w+)\}/g, (_, k: string) => vars[k]);
const announcements = (a: AnnounceSnapshot, b: AnnounceSnapshot) => said(a, b, say);
const me = person('aaaaaaaa', 'Me', { isLocal: true });
const snap = (ps: Participant[], chat: AnnounceSnapshot['chat'] = []): AnnounceSnapshot => ({
  participants: Object.fromEntries(ps.map((p) => [p.id, p])),
  chat,
});
const msg = (id: string, from: string, text: string, extra = {}) => ({
  id,
  from,
  displayName: from === 'bbbbbbbb' ? 'Bob' : from,
  text,
  at: 0,
  mine: false,
  ...extra,
});

test('joins, leaves and raised hands of others are announced; our own are not', () => {
  const bob = person('bbbbbbbb', 'Bob');
  assert.deepEqual(announcements(snap([me]), snap([me, bob])), ['Bob joined']);
  assert.deepEqual(announcements(snap([me, bob]), snap([me, { ...bob, raisedHand: 1 }])), ['Bob raised their hand']);
  assert.deepEqual(announcements(snap([me, bob]), snap([me])), ['Bob left']);
  assert.deepEqual(announcements(snap([me]), snap([{ ...me, raisedHand: 5 }])), [], 'our own hand is not read back');
  assert.deepEqual(announcements(snap([me, bob]), snap([me, bob])), [], 'nothing changed, nothing said');
});

test('new chat messages from others are announced once, private ones said to be private', () => {
  const bob = person('bbbbbbbb', 'Bob');
  const first = msg('1', 'bbbbbbbb', 'hello');
  assert.deepEqual(announcements(snap([me, bob]), snap([me, bob], [first])), ['Message from Bob: hello']);
  assert.deepEqual(announcements(snap([me, bob], [first]), snap([me, bob], [first])), []);
  const priv = msg('2', 'bbbbbbbb', 'psst', { privateWith: 'bbbbbbbb' });
  assert.deepEqual(announcements(snap([me, bob], [first]), snap([me, bob], [first, priv])), [
    'Private message from Bob: psst',
  ]);
  const mine = { ...msg('3', 'aaaaaaaa', 'mine'), mine: true };
  assert.deepEqual(announcements(snap([me, bob]), snap([me, bob], [mine])), [], 'our own message is not read back');
});

test("the sentences above are the client's English ones", async () => {
  const { readFileSync } = await import('node:fs');
  const en = readFileSync(new URL('../i18n/en.ts', import.meta.url), 'utf8');
  for (const [key, text] of Object.entries(EN)) assert.ok(en.includes(`'${key}': '${text}'`), key);
});
