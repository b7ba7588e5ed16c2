// The ownership record carried in a lock value block: owner node id and owner epoch, big-endian
// 32-bit words in the first 8 bytes of the (32-byte) LVB; the rest is zero.

export interface LvbOwner {
  owner: number;
  epoch: number;
}

export function encodeOwner(rec: LvbOwner, sizeBytes: number): Uint8Array {
  const out = new Uint8Array(sizeBytes);
  const v = new DataView(out.buffer);
  v.setUint32(0, rec.owner >>> 0);
  v.setUint32(4, rec.epoch >>> 0);
  return out;
}

/** Decode; a missing or short block reads as "no owner, epoch 0" (the LVB of a fresh resource is zero). */
export function decodeOwner(bytes: Uint8Array | undefined): LvbOwner {
  if (bytes === undefined || bytes.length < 8) return { owner: 0, epoch: 0 };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { owner: v.getUint32(0), epoch: v.getUint32(4) };
}
