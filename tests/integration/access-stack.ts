// A real Prosody and the real focus (in-memory bridge) in one of the access modes of issue 11, and
// scripted clients for each side: guests on guest.<domain>, logged-in hosts, token holders.
import { FakeBridgeClient, startFocus, mintToken, type BridgeClient, type RunningFocus } from '@parley/focus';
import { makeTestProsody, generateSecret, type TestProsody } from '@parley/xmpp-config';
import { createLogger } from '@parley/service';
import { TestParticipant, testFocusConfig, type Target } from './harness.js';

export const TOKEN_SECRET = 'integration-token-secret-0123456789abcdefgh';
export const HOST = { username: 'ada', password: 'correct horse battery' };

export interface AccessStack {
  prosody: TestProsody;
  focus: RunningFocus;
  /** Anonymous clients log in here (guest.<domain> in login mode). */
  guests: Target;
  /** Accounts log in here (the main domain). */
  main: Target;
  logs: string[];
  guest(name?: string): Promise<TestParticipant>;
  host(credentials?: { username: string; password: string }, name?: string): Promise<TestParticipant>;
  /** A token signed with the stack's secret (or `secret`), for `room`. */
  token(o: { room: string; moderator?: boolean; ttlSeconds?: number; now?: number; secret?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startAccessStack(mode: 'login' | 'token'): Promise<AccessStack> {
  const logs: string[] = [];
  const prosody = await makeTestProsody({
    log: (l) => logs.push(`prosody ${l}`),
    access: { mode },
    accounts: mode === 'login' ? [{ user: HOST.username, host: 'parley.test', password: HOST.password }] : [],
  });
  const d = prosody.domains;
  let focus: RunningFocus;
  try {
    focus = await startFocus(testFocusConfig(prosody, { auth: mode, tokenSecret: TOKEN_SECRET }), {
      log: createLogger('focus', { level: 'debug', write: (l) => logs.push(l) }),
      bridge: new FakeBridgeClient() as BridgeClient,
    });
  } catch (err) {
    await prosody.stop();
    throw err;
  }
  const target = (domain: string): Target => ({
    domain,
    mucDomain: d.muc,
    focusJid: d.focus,
    c2sPort: prosody.settings.ports.c2s,
  });
  const clients: TestParticipant[] = [];
  const track = (p: TestParticipant) => (clients.push(p), p);
  return {
    prosody,
    focus,
    guests: target(d.guest),
    main: target(d.domain),
    logs,
    async guest(name = 'Guest') {
      return track(await TestParticipant.connect(target(d.guest), name));
    },
    async host(credentials = HOST, name = 'Host') {
      return track(await TestParticipant.connect(target(d.domain), name, credentials));
    },
    token: (o) =>
      mintToken({
        room: o.room,
        moderator: o.moderator,
        ttlSeconds: o.ttlSeconds ?? 3600,
        now: o.now,
        audience: 'parley',
        issuer: 'parley',
        key: { alg: 'HS256', secret: o.secret ?? TOKEN_SECRET },
      }),
    async close() {
      await Promise.allSettled(clients.map((c) => c.disconnect()));
      await focus.close();
      await prosody.stop();
    },
  };
}

export { generateSecret };
