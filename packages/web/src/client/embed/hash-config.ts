// What an embedding page asks of the meeting through the iframe URL's fragment, in Jitsi's format:
// #config.startWithAudioMuted=true&config.prejoinPageEnabled=false&userInfo.displayName=%22Ann%22
// (each value is JSON, URI-encoded). Pure, unit-tested; unknown keys are ignored.

export interface HashConfig {
  displayName?: string;
  startAudioMuted?: boolean;
  startVideoMuted?: boolean;
  /** false: join at once with the name above, no prejoin screen. */
  prejoin?: boolean;
}

export function parseHashConfig(hash: string): HashConfig {
  const out: HashConfig = {};
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = decodeURIComponent(part.slice(0, eq));
    let value: unknown;
    try {
      value = JSON.parse(decodeURIComponent(part.slice(eq + 1)));
    } catch {
      continue; // not JSON: Jitsi would not have written it either
    }
    if (key === 'userInfo.displayName' && typeof value === 'string') out.displayName = value.slice(0, 100);
    else if (key === 'config.startWithAudioMuted' && typeof value === 'boolean') out.startAudioMuted = value;
    else if (key === 'config.startWithVideoMuted' && typeof value === 'boolean') out.startVideoMuted = value;
    else if (key === 'config.prejoinPageEnabled' && typeof value === 'boolean') out.prejoin = value;
  }
  return out;
}

/** The fragment for these settings (what external-api.ts writes). */
export function hashFor(c: HashConfig): string {
  const parts: string[] = [];
  const put = (k: string, v: unknown) => parts.push(`${k}=${encodeURIComponent(JSON.stringify(v))}`);
  if (c.displayName !== undefined) put('userInfo.displayName', c.displayName);
  if (c.startAudioMuted !== undefined) put('config.startWithAudioMuted', c.startAudioMuted);
  if (c.startVideoMuted !== undefined) put('config.startWithVideoMuted', c.startVideoMuted);
  if (c.prejoin !== undefined) put('config.prejoinPageEnabled', c.prejoin);
  return parts.length ? `#${parts.join('&')}` : '';
}
