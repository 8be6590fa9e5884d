// Seeded fuzz of what the bridge takes as commands: colibri2 requests (mutated from valid ones,
// through the same answerColibri2 the XMPP link uses) and bridge-channel JSON from endpoints. Each
// input gets an answer or is dropped and counted; nothing throws out; afterwards the bridge still
// allocates and the channel still relays. PARLEY_FUZZ_SEEDS replays a seed, PARLEY_FUZZ=long runs more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conferenceModifyToXml, parseXml, type ConferenceModify } from '@parley/protocol';
import { fuzzPlan, junkText, mutateJson, mutateStanza, pick, prng } from '@parley/protocol/fuzz';
import { silentLogger } from '@parley/service';
import { answerColibri2 } from '../bridge-service.js';
import { Bridge } from './bridge.js';
import { ChannelTransport, channelMeeting } from './fixtures/channel-transport.js';

const FOCUS = 'focus.meet.test';

const modify = (meetingId: string, id: string): ConferenceModify => ({
  meetingId,
  name: 'room@conference.meet.test',
  create: true,
  endpoints: [
    {
      id,
      create: true,
      statsId: 'Ann',
      sources: [
        { type: 'audio', id: `${id}-a0`, sources: [{ ssrc: 11, name: `${id}-a0`, owner: id }], ssrcGroups: [] },
        {
          type: 'video',
          id: `${id}-v0`,
          sources: [
            { ssrc: 21, name: `${id}-v0`, owner: id, videoType: 'camera' },
            { ssrc: 22, name: `${id}-v0`, owner: id, videoType: 'camera' },
          ],
          ssrcGroups: [{ semantics: 'FID', ssrcs: [21, 22] }],
        },
      ],
      transport: {
        ice: {
          ufrag: 'abcd',
          pwd: 'passwordpasswordpassword',
          rtcpMux: true,
          fingerprints: [{ hash: 'sha-256', value: 'AA:BB', setup: 'active' }],
          candidates: [],
        },
      },
    },
  ],
});

test('colibri2 fuzz: every request is answered (result or error), and the bridge still allocates', () => {
  const plan = fuzzPlan({ seeds: [1, 2, 3, 4, 5], inputs: 300 }, process.env);
  const answers = { result: 0, error: 0 };
  for (const seed of plan.seeds) {
    const rnd = prng(seed);
    const bridge = new Bridge({ log: silentLogger, transports: { createTransport: () => new ChannelTransport() } });
    const focus = new Set([FOCUS]);
    const ask = (el: ReturnType<typeof parseXml>) => answerColibri2(bridge, focus, el, `${FOCUS}/focus`, silentLogger);
    ask(conferenceModifyToXml(modify('m1', 'aaaa0001'))); // a live conference the junk can hit
    const valid = [
      conferenceModifyToXml(modify('m1', 'bbbb0002')).toString(),
      conferenceModifyToXml({ meetingId: 'm1', endpoints: [{ id: 'aaaa0001', expire: true }] }).toString(),
      conferenceModifyToXml({ meetingId: 'm1', expire: true, endpoints: [] }).toString(),
      conferenceModifyToXml(modify(`m${seed}`, 'cccc0003')).toString(),
    ];
    for (let i = 0; i < plan.inputs; i++) {
      let answer: ReturnType<typeof ask>;
      try {
        answer = ask(mutateStanza(pick(rnd, valid), rnd));
      } catch (err) {
        assert.fail(`seed ${seed} (replay: PARLEY_FUZZ_SEEDS=${seed}), input ${i}: threw ${(err as Error).message}`);
      }
      answers[answer.name === 'error' ? 'error' : 'result']++;
    }
    const after = parseXml(ask(conferenceModifyToXml(modify('after-fuzz', 'dddd0004'))).toString());
    assert.notEqual(after.name, 'error', `seed ${seed}: the bridge no longer allocates: ${after.toString()}`);
    assert.equal(bridge.conferences.get('after-fuzz')?.endpoints.size, 1);
    bridge.close();
  }
  console.log(
    `colibri2 fuzz: ${plan.seeds.length} seeds, ${plan.seeds.length * plan.inputs} mutated requests, ${JSON.stringify(answers)}`,
  );
  assert.ok(answers.result > 0 && answers.error > 0, 'the junk reached both the parser and the handlers');
});

test('bridge-channel fuzz: junk messages are dropped and counted; the channel still relays', () => {
  const plan = fuzzPlan({ seeds: [1, 2, 3, 4, 5], inputs: 300 }, process.env);
  let tried = 0;
  for (const seed of plan.seeds) {
    const rnd = prng(seed);
    const { bridge, transports, a, b } = channelMeeting();
    const say = (from: string, text: string) => transports.get(from)!.receive(text);
    const valid: object[] = [
      { colibriClass: 'EndpointMessage', to: b, msgPayload: { type: 'e2e-ping', id: 1 } },
      { colibriClass: 'EndpointMessage', to: '', msgPayload: { hello: 'all' } },
      {
        colibriClass: 'ReceiverVideoConstraints',
        lastN: 3,
        selectedSources: [`${b}-v0`],
        onStageSources: [`${b}-v0`],
        defaultConstraints: { maxHeight: 180 },
        constraints: { [`${b}-v0`]: { maxHeight: 720 } },
      },
      { colibriClass: 'LastNChangedEvent', lastN: 0 },
      { colibriClass: 'ReceiverAudioSubscription', mode: 'Include', list: [`${b}-a0`] },
      { colibriClass: 'SourceVideoTypeMessage', sourceName: `${a}-v0`, videoType: 'desktop' },
      { colibriClass: 'EndpointStats', bitrate: { upload: 1, download: 2 } },
    ];
    for (let i = 0; i < plan.inputs; i++) {
      const text = rnd() < 0.15 ? junkText(rnd) : JSON.stringify(mutateJson(pick(rnd, valid), rnd));
      try {
        say(a, text);
      } catch (err) {
        assert.fail(
          `seed ${seed} (replay: PARLEY_FUZZ_SEEDS=${seed}), input ${i} ${text.slice(0, 80)}: threw ${(err as Error).message}`,
        );
      }
      tried++;
    }
    // Still relays, with the right sender.
    say(a, JSON.stringify({ colibriClass: 'EndpointMessage', to: b, msgPayload: { after: seed } }));
    assert.deepEqual(transports.get(b)!.sent.at(-1), {
      colibriClass: 'EndpointMessage',
      to: b,
      msgPayload: { after: seed },
      from: a,
    });
    assert.ok(
      (bridge.counters.drops.get('bridge-channel-malformed') ?? 0) > 0,
      `seed ${seed}: malformed ones are counted`,
    );
    bridge.close();
  }
  console.log(`bridge-channel fuzz: ${plan.seeds.length} seeds, ${tried} junk messages`);
});
