// A browser's WebSocket for @xmpp/client in Node: the DOM WebSocket surface that @xmpp/websocket
// uses (open/message/error/close events, send, close) over TLS with the test CA, so a scripted
// client reaches Prosody exactly like the web app does: wss://<web server>/xmpp-websocket.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { client } from '@xmpp/client';

type XmppClient = ReturnType<typeof client>;

/** The subset of the DOM WebSocket that @xmpp/websocket's Socket listens to and calls. */
export class BrowserWebSocket extends EventEmitter {
  private socket: TLSSocket;
  private buf = Buffer.alloc(0);
  private open = false;
  private closed = false;

  constructor(url: string, ca: string) {
    super();
    const u = new URL(url);
    const port = Number(u.port || 443);
    this.socket = tlsConnect({ host: u.hostname, port, ca, servername: 'localhost' });
    this.socket.on('secureConnect', () => {
      const head = [
        `GET ${u.pathname} HTTP/1.1`,
        `Host: localhost:${port}`,
        `Origin: https://localhost:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Protocol: xmpp',
      ];
      this.socket.write(`${head.join('\r\n')}\r\n\r\n`);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.emit('error', { error, message: error.message }));
    this.socket.on('close', () => this.finish(this.closed));
  }

  /** DOM-style listener registration (what @xmpp/events' onoff looks for). */
  addEventListener(event: string, handler: (...args: unknown[]) => void): void {
    this.on(event, handler);
  }

  removeEventListener(event: string, handler: (...args: unknown[]) => void): void {
    this.off(event, handler);
  }

  send(text: string): void {
    this.writeFrame(0x1, Buffer.from(text, 'utf8'));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.open) this.writeFrame(0x8, Buffer.from([0x03, 0xe8]));
    this.socket.end();
  }

  private finish(clean: boolean): void {
    if (!this.open && !clean) this.emit('error', { message: 'WebSocket closed before the upgrade' });
    this.open = false;
    this.emit('close', { wasClean: clean });
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    if (!this.open) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = this.buf.subarray(0, end).toString('latin1').split('\r\n')[0];
      this.buf = this.buf.subarray(end + 4);
      if (!/^HTTP\/1\.1 101 /.test(status)) {
        this.emit('error', { message: `WebSocket upgrade refused: ${status}` });
        this.socket.destroy();
        return;
      }
      this.open = true;
      this.emit('open', {});
    }
    for (let f = this.takeFrame(); f; f = this.takeFrame()) {
      if (f.opcode === 0x1) this.emit('message', { data: f.payload.toString('utf8') });
      else if (f.opcode === 0x8) {
        this.closed = true;
        this.socket.end();
      } else if (f.opcode === 0x9) this.writeFrame(0xa, f.payload);
    }
  }

  /** One complete unmasked server frame (RFC 6455 5.2), if the buffer holds one. */
  private takeFrame(): { opcode: number; payload: Buffer } | undefined {
    const b = this.buf;
    if (b.length < 2) return undefined;
    let len = b[1] & 0x7f;
    let off = 2;
    if (len === 126) {
      if (b.length < 4) return undefined;
      len = b.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (b.length < 10) return undefined;
      len = Number(b.readBigUInt64BE(2));
      off = 10;
    }
    if (b.length < off + len) return undefined;
    this.buf = b.subarray(off + len);
    return { opcode: b[0] & 0x0f, payload: Buffer.from(b.subarray(off, off + len)) };
  }

  /** A masked client frame (RFC 6455 5.3). */
  private writeFrame(opcode: number, payload: Buffer): void {
    const len = payload.length;
    let header: Buffer;
    if (len < 126) header = Buffer.from([0x80 | opcode, 0x80 | len]);
    else if (len < 65536) header = Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
    else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(len), 2);
    }
    const mask = randomBytes(4);
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = payload[i] ^ mask[i % 4];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }
}

interface SocketLike {
  url: string;
  secure: boolean;
  _attachSocket(socket: unknown): void;
  connect(url: string): void;
}
interface TransportClass {
  prototype: { Socket: new () => SocketLike; socketParameters(service: string): unknown };
}

/**
 * Makes this one client open its wss:// connection with BrowserWebSocket (trusting `ca`), leaving
 * @xmpp/client's own WebSocket transport, and every other client, as they are.
 */
export function useBrowserWebSocket(xmpp: XmppClient, ca: string): void {
  const transports = (xmpp as unknown as { transports: TransportClass[] }).transports;
  const i = transports.findIndex((t) => t.prototype.socketParameters('wss://localhost/') !== undefined);
  if (i < 0) throw new Error('@xmpp/client has no WebSocket transport');
  const BaseSocket = transports[i].prototype.Socket;
  const Base = transports[i] as unknown as new (...args: never[]) => object;
  class TrustingSocket extends BaseSocket {
    override connect(url: string): void {
      this.url = url;
      this.secure = true;
      this._attachSocket(new BrowserWebSocket(url, ca));
    }
  }
  const BrowserTransport = class extends Base {} as unknown as TransportClass;
  BrowserTransport.prototype.Socket = TrustingSocket;
  transports[i] = BrowserTransport;
}
