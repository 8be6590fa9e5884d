// EBML (RFC 8794) encoding: element ids, variable-size integers and the elements Matroska needs.
// Write-only and allocation-light: each helper returns a Buffer that the caller concatenates.

/** The size field that means "unknown": lets a Segment or Cluster be written before its end is known. */
export const UNKNOWN_SIZE = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/** An element id as written (ids carry their own length marker, so they are stored as given). */
export function idBytes(id: number): Buffer {
  if (id <= 0xff) return Buffer.from([id]);
  if (id <= 0xffff) return Buffer.from([id >> 8, id & 0xff]);
  if (id <= 0xffffff) return Buffer.from([id >> 16, (id >> 8) & 0xff, id & 0xff]);
  return Buffer.from([id >>> 24, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff]);
}

/** A data size as an EBML variable-size integer, in the fewest bytes (never the all-ones "unknown" value). */
export function sizeBytes(size: number): Buffer {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`EBML size ${size} is not a non-negative integer`);
  for (let len = 1; len <= 8; len++) {
    // 7 usable bits per byte; the all-ones value is reserved for "unknown size".
    if (size < 2 ** (7 * len) - 1) {
      const out = Buffer.alloc(len);
      let v = size;
      for (let i = len - 1; i >= 0; i--) {
        out[i] = v % 256;
        v = Math.floor(v / 256);
      }
      out[0] |= 0x80 >> (len - 1);
      return out;
    }
  }
  throw new RangeError(`EBML size ${size} does not fit 8 bytes`);
}

export function element(id: number, ...children: Buffer[]): Buffer {
  const data = Buffer.concat(children);
  return Buffer.concat([idBytes(id), sizeBytes(data.length), data]);
}

/** An unsigned integer element in the fewest bytes (at least one). */
export function uint(id: number, value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`EBML uint ${value} is not a non-negative integer`);
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  return element(id, Buffer.from(bytes));
}

export function float(id: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(value);
  return element(id, b);
}

export function string(id: number, value: string): Buffer {
  return element(id, Buffer.from(value, 'utf8'));
}

export function binary(id: number, value: Buffer): Buffer {
  return element(id, value);
}

/** The start of a master element whose size is not known yet (its children follow in the stream). */
export function openElement(id: number): Buffer {
  return Buffer.concat([idBytes(id), UNKNOWN_SIZE]);
}
