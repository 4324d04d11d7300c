/** Typed arrays <-> base64 strings, for checkpoints (little-endian, as on every supported platform). */
export function encodeArray(a: Int32Array | Float64Array | Uint32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

export function decodeInt32(s: string): Int32Array {
  const b = Buffer.from(s, "base64");
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function decodeFloat64(s: string): Float64Array {
  const b = Buffer.from(s, "base64");
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function decodeUint32(s: string): Uint32Array {
  const b = Buffer.from(s, "base64");
  return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
