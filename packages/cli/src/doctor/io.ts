// The I/O `parley doctor` does, behind one interface so each check can be tested with fakes.
// Every operation is bounded by a timeout; callers only ever pass this machine's addresses.
import { bracketHost } from '@parley/service';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect, createServer } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { maskedTextFrame, parseFrames } from './net.js';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface WsProbeResult {
  /** HTTP status of the upgrade answer. */
  status: number;
  headers: Record<string, string>;
  /** Body of a non-101 answer, or the text frames received after the open (101). */
  text: string;
  /** Set when the 101 was followed by a failure (close frame, timeout). */
  error?: string;
}

export interface DoctorIO {
  /** Resolves undefined when host:port accepts a TCP connection, else the error text. */
  tcpConnect(host: string, port: number, timeoutMs: number): Promise<string | undefined>;
  /** GET/POST over http or https (https: any certificate; the certificate check judges it). Rejects on connection errors. */
  request(
    url: string,
    o?: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
  ): Promise<HttpReply>;
  /** WebSocket upgrade over TLS, then sends `send` and reads text frames until `until` holds. */
  wsProbe(o: {
    host: string;
    port: number;
    path: string;
    protocol: string;
    send: string;
    until: (text: string) => boolean;
    timeoutMs: number;
  }): Promise<WsProbeResult>;
  /** SHA-256 fingerprint (AA:BB:...) of the certificate the TLS port presents. */
  peerFingerprint(host: string, port: number, timeoutMs: number): Promise<string>;
  udpSend(host: string, port: number, data: Buffer): Promise<void>;
  /** Undefined when nothing is listening there (we could bind it), else why not (EADDRINUSE...). */
  portTaken(proto: 'tcp' | 'udp', host: string, port: number): Promise<string | undefined>;
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
  pidAlive(pid: number): boolean;
  interfaces(): { address: string; family: string; internal: boolean }[];
  hostname(): string;
  now(): Date;
  env(name: string): string | undefined;
  sleep(ms: number): Promise<void>;
}

function withTimer<T>(
  ms: number,
  what: string,
  run: (done: (err: Error | undefined, v?: T) => void) => () => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let cleanup: () => void = () => {};
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no answer within ${ms} ms`));
    }, ms);
    cleanup = run((err, v) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(v as T);
    });
  });
}

export const realIO: DoctorIO = {
  tcpConnect(host, port, timeoutMs) {
    return new Promise((resolve) => {
      const s = tcpConnect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        resolve(`no answer within ${timeoutMs} ms`);
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.destroy();
        resolve(undefined);
      });
      s.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve(e.code ?? e.message);
      });
    });
  },

  request(url, o = {}) {
    const u = new URL(url);
    const timeoutMs = o.timeoutMs ?? 3000;
    return withTimer<HttpReply>(timeoutMs, `${o.method ?? 'GET'} ${url}`, (done) => {
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
        method: o.method ?? 'GET',
        headers: o.headers,
        agent: false,
        rejectUnauthorized: false,
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done(undefined, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (e) => done(e));
      });
      req.on('error', (e) => done(e));
      req.end(o.body);
      return () => req.destroy();
    });
  },

  wsProbe(o) {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: o.host, port: o.port, rejectUnauthorized: false, servername: 'localhost' });
      let head: Buffer = Buffer.alloc(0);
      let upgraded: { status: number; headers: Record<string, string> } | undefined;
      let frames: Buffer = Buffer.alloc(0);
      let text = '';
      let settled = false;
      const finish = (r: WsProbeResult | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!(r instanceof Error) && r.status === 101 && !socket.destroyed) {
          // Tidy close: XMPP <close/>, then the socket.
          try {
            socket.write(maskedTextFrame('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>'));
          } catch {
            /* closing anyway */
          }
        }
        socket.destroy();
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      const timer = setTimeout(() => {
        if (upgraded) finish({ ...upgraded, text, error: `no complete answer within ${o.timeoutMs} ms` });
        else finish(new Error(`no answer to the upgrade within ${o.timeoutMs} ms`));
      }, o.timeoutMs);
      const onFrames = () => {
        const { frames: got, rest } = parseFrames(frames);
        frames = rest;
        for (const f of got) {
          if (f.opcode === 1 || f.opcode === 0) text += f.payload.toString('utf8');
          if (f.opcode === 8)
            return finish({
              ...upgraded!,
              text,
              error: `the server closed the WebSocket (${f.payload.subarray(2).toString('utf8') || 'no reason'})`,
            });
        }
        if (o.until(text)) finish({ ...upgraded!, text });
      };
      socket.on('data', (chunk: Buffer) => {
        if (upgraded) {
          frames = Buffer.concat([frames, chunk]);
          return onFrames();
        }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [statusLine, ...lines] = head.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines)
          headers[l.slice(0, l.indexOf(':')).trim().toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
        const status = Number(statusLine.split(' ')[1]) || 0;
        if (status !== 101) {
          // Read the body that came with the refusal (bounded by the timer), for the report.
          const body = head.subarray(end + 4).toString('utf8');
          const len = Number(headers['content-length'] ?? NaN);
          if (Number.isFinite(len) && Buffer.byteLength(body) >= len) return finish({ status, headers, text: body });
          socket.once('end', () => finish({ status, headers, text: head.subarray(end + 4).toString('utf8') }));
          return;
        }
        upgraded = { status, headers };
        frames = head.subarray(end + 4);
        socket.write(maskedTextFrame(o.send));
        onFrames();
      });
      socket.on('end', () => {
        if (upgraded) finish({ ...upgraded, text, error: 'the server closed the connection' });
        else if (head.length === 0) finish(new Error('the server closed the connection without an answer'));
      });
      socket.on('error', (e) => finish(e));
      socket.on('secureConnect', () => {
        socket.write(
          [
            `GET ${o.path} HTTP/1.1`,
            `Host: ${bracketHost(o.host)}:${o.port}`,
            'Upgrade: websocket',
            'Connection: Upgrade',
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
            'Sec-WebSocket-Version: 13',
            `Sec-WebSocket-Protocol: ${o.protocol}`,
          ].join('\r\n') + '\r\n\r\n',
        );
      });
    });
  },

  peerFingerprint(host, port, timeoutMs) {
    return withTimer<string>(timeoutMs, `TLS to ${host}:${port}`, (done) => {
      const s = tlsConnect({ host, port, rejectUnauthorized: false, servername: 'localhost' });
      s.once('secureConnect', () => {
        const fp = s.getPeerCertificate().fingerprint256;
        s.destroy();
        done(undefined, fp);
      });
      s.once('error', (e) => done(e));
      return () => s.destroy();
    });
  },

  udpSend(host, port, data) {
    return new Promise((resolve, reject) => {
      const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      s.once('error', (e) => {
        s.close();
        reject(e);
      });
      s.send(data, port, host, (err) => {
        s.close();
        if (err) reject(err);
        else resolve();
      });
    });
  },

  portTaken(proto, host, port) {
    return new Promise((resolve) => {
      if (proto === 'udp') {
        const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
        s.once('error', (e: NodeJS.ErrnoException) => {
          s.close();
          resolve(e.code ?? e.message);
        });
        s.bind(port, host, () => s.close(() => resolve(undefined)));
        return;
      }
      const srv = createServer();
      srv.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      srv.listen(port, host, () => srv.close(() => resolve(undefined)));
    });
  },

  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  exists: (path) => existsSync(path),
  pidAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  interfaces() {
    return Object.values(networkInterfaces()).flatMap((l) =>
      (l ?? []).map((a) => ({ address: a.address, family: String(a.family), internal: a.internal })),
    );
  },
  hostname: () => hostname().toLowerCase(),
  now: () => new Date(),
  env: (name) => process.env[name],
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};
