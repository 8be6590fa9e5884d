// RFC 4571 framing as used by ICE-TCP (RFC 6544): every packet is preceded by a 16-bit length.

export class TcpFramer {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  static frame(packet: Buffer): Buffer {
    if (packet.length > 0xffff) throw new Error('packet too large for RFC 4571 framing');
    // One buffer, no concat: the caller may reuse `packet` as soon as this returns.
    const out = Buffer.allocUnsafe(2 + packet.length);
    out.writeUInt16BE(packet.length, 0);
    packet.copy(out, 2);
    return out;
  }

  /** Feed bytes from the stream; calls onFrame for each complete frame (zero-length frames are skipped). */
  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 2) {
      const len = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + len) break;
      const frame = this.buf.subarray(2, 2 + len);
      this.buf = this.buf.subarray(2 + len);
      if (len > 0) this.onFrame(frame);
    }
  }
}
