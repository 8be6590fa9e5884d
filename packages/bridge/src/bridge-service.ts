// Wires the bridge together: the media port (one UDP + one TCP port), the Bridge model, the XMPP
// link (brewery presence with stats, colibri2 from the focus), /health, /metrics, /debug.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  bareJid,
  bridgeStatsToXml,
  conferenceModifiedToXml,
  parseConferenceModify,
  stanzaErrorElement,
  toStanzaError,
  type Element,
} from '@parley/protocol';
import { createLogger, createRegistry, startServiceHttp, type Logger } from '@parley/service';
import { breweryOf, defaultFocusJids, discoverAddresses, type BridgeConfig } from './config.js';
import { bridgeMetrics } from './metrics.js';
import { Bridge } from './model/bridge.js';
import { composeRecording } from './recording/compose.js';
import type { RecordingSettings } from './recording/recording-control.js';
import { applyRetention, type RetentionSettings } from './recording/retention.js';
import { DEFAULT_UDP_RECEIVE_BUFFER, MediaPort } from './transport/index.js';
import { connectBridgeXmpp, type BridgeXmpp } from './xmpp-link.js';

export interface RunningBridge {
  bridge: Bridge;
  port: MediaPort;
  id: string;
  advertise: string[];
  httpPort: number;
  close(): Promise<void>;
}

export interface BridgeServiceOptions {
  log?: Logger;
  /** Tests: accept media only from these addresses (loopback). */
  allowRemote?: (ip: string) => boolean;
}

export async function startBridge(config: BridgeConfig, opts: BridgeServiceOptions = {}): Promise<RunningBridge> {
  const id = config.bridgeId || `jvb-${randomBytes(3).toString('hex')}`;
  const log = (opts.log ?? createLogger('bridge', { level: config.logLevel })).child({ bridge: id });
  const advertise = config.advertise.length ? config.advertise : discoverAddresses();
  if (advertise.length === 0)
    throw new Error(
      'no address to advertise: this machine has no non-loopback address; set PARLEY_ADVERTISE (e.g. 127.0.0.1 for a single-machine test)',
    );
  const port = await MediaPort.open({
    udpPort: config.mediaPort,
    tcpPort: config.tcpPort,
    bindAddress: config.bindAddress,
    advertise,
    allowRemote: opts.allowRemote,
    tcpAuthTimeoutMs: config.tcpAuthTimeoutMs,
    tcpUnauthenticated: { perSource: config.tcpUnauthPerSource, total: config.tcpUnauthTotal },
  });
  log.info('media.listening', {
    udp: port.udpPort,
    tcp: port.tcpPort,
    advertise,
    receiveBuffer: port.receiveBufferBytes,
  });
  // Linux reports twice the size it grants; less than the default asked for means rmem_max capped it.
  if (port.receiveBufferBytes / 2 < DEFAULT_UDP_RECEIVE_BUFFER)
    log.warn('media.receive_buffer_small', {
      granted: port.receiveBufferBytes / 2,
      wanted: DEFAULT_UDP_RECEIVE_BUFFER,
      hint: `bursts will be dropped at the socket; as root: sysctl -w net.core.rmem_max=${DEFAULT_UDP_RECEIVE_BUFFER}`,
    });
  const composing = new Set<string>();
  const recordings = recordingSettings(config, composing, () => prune());
  const bridge = new Bridge({ transports: port, log, recordings });
  const retention: RetentionSettings = {
    maxAgeDays: config.recordingMaxAgeDays ?? 0,
    maxTotalBytes: (config.recordingMaxTotalMb ?? 0) * 1024 * 1024,
  };
  /** Retention: never a running recording, nor one whose MP4 is being made. */
  function prune(): void {
    const inProgress = [...composing];
    for (const c of bridge.conferences.values()) if (c.recorder?.running) inProgress.push(c.recorder.dir);
    try {
      for (const f of applyRetention(recordings.dir, retention, inProgress))
        log.info('recording.deleted_by_retention', { dir: f.dir, bytes: f.bytes, startedAt: new Date(f.startedAt) });
    } catch (err) {
      log.warn('recording.retention_failed', { error: err as Error });
    }
  }
  prune();
  const retentionTimer = setInterval(prune, 3600_000);
  retentionTimer.unref();
  const focusJids = new Set(
    (config.focusJids.length ? config.focusJids : defaultFocusJids(config.domain)).map((j) => j.toLowerCase()),
  );

  let xmpp: BridgeXmpp | undefined;
  let http: Awaited<ReturnType<typeof startServiceHttp>> | undefined;
  try {
    xmpp = await connectBridgeXmpp({
      service: config.xmppService,
      domain: config.domain,
      username: config.username,
      password: config.password,
      breweryRoom: breweryOf(config.domain),
      nick: id,
      log,
    });
    xmpp.onColibri2(async (payload, from) => answerColibri2(bridge, focusJids, payload, from, log));
    // The session was lost (Prosody restarted): the focus has given up every conference it had
    // here (their rooms are gone, or it saw us leave the brewery), so nothing will expire them.
    xmpp.onReconnected(() => {
      const ids = [...bridge.conferences.keys()];
      for (const meetingId of ids) bridge.handleConferenceModify({ meetingId, expire: true, endpoints: [] });
      if (ids.length) log.info('bridge.conferences_dropped', { why: 'xmpp reconnected', conferences: ids.length });
    });
    const publish = () => xmpp!.publish([bridgeStatsToXml(bridge.stats())]);
    publish();
    const statsTimer = setInterval(publish, config.statsIntervalMs);
    statsTimer.unref();

    const registry = createRegistry('bridge', { processMetrics: true });
    bridgeMetrics(registry, bridge, port);
    http = await startServiceHttp({
      host: config.httpHost,
      port: config.httpPort,
      registry,
      health: () => ({
        healthy: bridge.stats().healthy && xmpp!.online,
        xmpp: xmpp!.online ? 'online' : 'offline',
        udpPort: port.udpPort,
        tcpPort: port.tcpPort,
        advertise,
        conferences: bridge.conferences.size,
        udpSocketDrops: port.socketDrops() ?? null,
      }),
      routes: { '/debug/conferences': () => bridge.dump() },
    });
    const httpServer = http;
    const link = xmpp;
    log.info('bridge.ready', { http: `${config.httpHost}:${http.port}` });
    return {
      bridge,
      port,
      id,
      advertise,
      httpPort: http.port,
      async close() {
        clearInterval(statsTimer);
        clearInterval(retentionTimer);
        bridge.close();
        await link.close();
        await port.close();
        await httpServer.close();
      },
    };
  } catch (err) {
    bridge.close();
    await xmpp?.close();
    await http?.close();
    await port.close();
    throw err;
  }
}

/** Only the focus may allocate; a malformed request gets an error that names the problem and changes nothing. */
export function answerColibri2(
  bridge: Bridge,
  focusJids: ReadonlySet<string>,
  payload: Element,
  from: string,
  log: Logger,
): Element {
  if (!focusJids.has(bareJid(from).toLowerCase()) && !focusJids.has(from.toLowerCase())) {
    log.warn('colibri2.refused', { from, why: 'not a focus' });
    return stanzaErrorElement('forbidden', `${from} is not a focus of this deployment`);
  }
  try {
    return conferenceModifiedToXml(bridge.handleConferenceModify(parseConferenceModify(payload)));
  } catch (err) {
    const e = toStanzaError(err);
    log.warn('colibri2.error', { from, condition: e.condition, error: err as Error });
    return stanzaErrorElement(e.condition, e.text, e.type);
  }
}

/**
 * Recordings under --recordings-dir; the composed MP4 is made after each stop unless
 * --recording-compose=false; retention runs once a recording is complete.
 */
function recordingSettings(config: BridgeConfig, composing: Set<string>, finished: () => void): RecordingSettings {
  const compose = config.recordingCompose ?? true;
  return {
    dir: resolve(config.recordingsDir ?? 'recordings'),
    minFreeBytes: (config.recordingMinFreeMb ?? 500) * 1024 * 1024,
    onFinished: (dir, log) => {
      if (!compose) return finished();
      composing.add(dir);
      void composeRecording(dir)
        .then(
          (file) => log.info('recording.composed', { file }),
          (err: Error) => log.warn('recording.compose_failed', { dir, error: err.message }),
        )
        .finally(() => {
          composing.delete(dir);
          finished();
        });
    },
  };
}
