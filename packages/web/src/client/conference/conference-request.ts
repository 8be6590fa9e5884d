// The conference request to the focus (Jicofo's <conference/> IQ): asked again every second until
// the focus says the conference is ready, within the focus timeout. Its refusals carry the access
// reason (access.ts); every failure is marked `signaling: true` for the error screen.
import { bareJid, conferenceRequestToXml, parseConferenceReady, xml, type Element } from '@parley/protocol';
import { refusalOf } from './access.js';
import { sleep } from './context.js';
import { errorDetail } from './errors.js';

export interface ConferenceRequest {
  focusJid: string;
  room: string;
  properties: Record<string, string>;
  timeoutMs: number;
  /** The focus named its own JID in the answer: it may send Jingle and notices from there. */
  focusNamed(jid: string): void;
}

const signalingError = (message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { signaling: true, ...extra });

export async function requestConference(
  x: { request(el: Element, timeoutMs: number): Promise<Element> },
  r: ConferenceRequest,
): Promise<void> {
  const deadline = Date.now() + r.timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    let res: Element;
    try {
      res = await x.request(
        xml('iq', { type: 'set', to: r.focusJid }, conferenceRequestToXml({ room: r.room, properties: r.properties })),
        Math.max(1, left),
      );
    } catch (err) {
      const access = refusalOf(err);
      if (access) throw signalingError(`the focus ${r.focusJid} refused: ${errorDetail(err)}`, { access });
      const timeout = /timeout/i.test(errorDetail(err)) || Date.now() >= deadline;
      throw signalingError(
        timeout
          ? `no answer from the focus ${r.focusJid} within ${r.timeoutMs / 1000} s`
          : `the focus ${r.focusJid} refused the conference request: ${errorDetail(err)}`,
      );
    }
    try {
      const ready = parseConferenceReady(res);
      r.focusNamed(bareJid(ready.focusJid));
      if (ready.ready) return;
    } catch {
      return; // an empty result: take it as ready
    }
    if (Date.now() + 1000 >= deadline)
      throw signalingError(`the focus ${r.focusJid} did not get the conference ready within ${r.timeoutMs / 1000} s`);
    await sleep(1000);
  }
}
