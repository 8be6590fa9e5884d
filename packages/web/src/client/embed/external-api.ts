// /external_api.js: a page of another site embeds a Parley meeting, the way Jitsi's IFrame API does,
// with the same names so that existing integrations port easily:
//
//   const api = new JitsiMeetExternalAPI('meet.example:8443', {
//     roomName: 'standup', parentNode: document.querySelector('#meet'), width: '100%', height: 600,
//     userInfo: { displayName: 'Ann' }, configOverwrite: { startWithAudioMuted: true, prejoinPageEnabled: false },
//     lang: 'en',
//   });
//   api.addListener('participantJoined', (e) => console.log(e.id, e.displayName));
//   api.executeCommand('toggleAudio');
//
// The meeting takes commands only from origins its server lists (PARLEY_EMBED_ORIGINS); this side
// takes messages only from its own iframe, from the meeting's origin.
import { hashFor } from './hash-config.js';
import { isEmbedMessage, type EmbedParticipant, type ToMeeting, type ToPage } from './protocol.js';

interface Options {
  roomName: string;
  width?: number | string;
  height?: number | string;
  parentNode?: HTMLElement;
  userInfo?: { displayName?: string; email?: string };
  configOverwrite?: { startWithAudioMuted?: boolean; startWithVideoMuted?: boolean; prejoinPageEnabled?: boolean };
  interfaceConfigOverwrite?: Record<string, unknown>;
  lang?: string;
  onload?: () => void;
}

type Listener = (data: Record<string, unknown>) => void;

const size = (v: number | string | undefined, fallback: string) =>
  v === undefined ? fallback : typeof v === 'number' ? `${v}px` : v;

class ParleyExternalAPI {
  private readonly iframe: HTMLIFrameElement;
  private readonly origin: string;
  private readonly listeners = new Map<string, Set<Listener>>();
  private participants: EmbedParticipant[] = [];
  private muted = { audio: false, video: false };
  private readonly onMessage = (e: MessageEvent) => this.receive(e);

  constructor(domain: string, options: Options) {
    if (!options || typeof options.roomName !== 'string' || !options.roomName)
      throw new Error('JitsiMeetExternalAPI: options.roomName is required');
    this.origin = new URL(/^https?:\/\//.test(domain) ? domain : `https://${domain}`).origin;
    const search = options.lang ? `?lang=${encodeURIComponent(options.lang)}` : '';
    const cfg = options.configOverwrite ?? {};
    const hash = hashFor({
      displayName: options.userInfo?.displayName,
      startAudioMuted: cfg.startWithAudioMuted,
      startVideoMuted: cfg.startWithVideoMuted,
      prejoin: cfg.prejoinPageEnabled,
    });
    const iframe = document.createElement('iframe');
    iframe.src = `${this.origin}/${encodeURIComponent(options.roomName)}${search}${hash}`;
    iframe.allow = 'camera; microphone; display-capture; autoplay; clipboard-write; fullscreen';
    iframe.style.border = '0';
    iframe.style.width = size(options.width, '100%');
    iframe.style.height = size(options.height, '100%');
    iframe.name = `parleyEmbed-${Math.random().toString(36).slice(2)}`;
    iframe.addEventListener('load', () => {
      this.send({ parleyEmbed: 1, kind: 'hello' });
      options.onload?.();
    });
    window.addEventListener('message', this.onMessage);
    (options.parentNode ?? document.body).appendChild(iframe);
    this.iframe = iframe;
  }

  /** Jitsi's commands: toggleAudio, toggleVideo, toggleShareScreen, toggleChat, toggleRaiseHand, hangup, ... */
  executeCommand(name: string, ...args: unknown[]): void {
    this.send({ parleyEmbed: 1, kind: 'command', name, args });
  }

  executeCommands(commands: Record<string, unknown[] | unknown>): void {
    for (const [name, args] of Object.entries(commands))
      this.executeCommand(name, ...(Array.isArray(args) ? args : [args]));
  }

  addListener(event: string, listener: Listener): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }
  on(event: string, listener: Listener): this {
    return this.addListener(event, listener);
  }
  addEventListener(event: string, listener: Listener): this {
    return this.addListener(event, listener);
  }
  addEventListeners(listeners: Record<string, Listener>): void {
    for (const [e, l] of Object.entries(listeners)) this.addListener(e, l);
  }
  removeListener(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }
  off(event: string, listener: Listener): this {
    return this.removeListener(event, listener);
  }
  removeEventListener(event: string, listener: Listener): this {
    return this.removeListener(event, listener);
  }

  /** Everyone in the meeting, this participant included. */
  getParticipantsInfo(): EmbedParticipant[] {
    return this.participants.map((p) => ({ ...p }));
  }
  getNumberOfParticipants(): number {
    return this.participants.length;
  }
  isAudioMuted(): Promise<boolean> {
    return Promise.resolve(this.muted.audio);
  }
  isVideoMuted(): Promise<boolean> {
    return Promise.resolve(this.muted.video);
  }
  getIFrame(): HTMLIFrameElement {
    return this.iframe;
  }

  /** Leaves the meeting and removes the iframe. */
  dispose(): void {
    this.executeCommand('hangup');
    window.removeEventListener('message', this.onMessage);
    this.listeners.clear();
    this.iframe.remove();
  }

  private send(m: ToMeeting): void {
    this.iframe.contentWindow?.postMessage(m, this.origin);
  }

  private receive(e: MessageEvent): void {
    if (e.source !== this.iframe.contentWindow || e.origin !== this.origin || !isEmbedMessage(e.data)) return;
    const m = e.data as ToPage;
    if (m.kind === 'state') {
      this.participants = Array.isArray(m.participants) ? m.participants : [];
      this.muted = { audio: m.audioMuted === true, video: m.videoMuted === true };
    } else if (m.kind === 'event' && typeof m.name === 'string') {
      for (const l of this.listeners.get(m.name) ?? []) {
        try {
          l(m.data ?? {});
        } catch (err) {
          console.error(err); // one listener's bug must not stop the others
        }
      }
    }
  }
}

const w = window as unknown as Record<string, unknown>;
w.JitsiMeetExternalAPI = ParleyExternalAPI;
w.ParleyExternalAPI = ParleyExternalAPI;
