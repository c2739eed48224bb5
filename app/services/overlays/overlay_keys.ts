import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Overlay keys: random, URL-safe (base64url), at least 128 bits. Only their
 * SHA-256 is looked up; the live channel of an overlay is named after a part
 * of that hash, so a new key means a new channel and the old page's
 * subscription hears nothing more. See docs/overlay.md.
 */
const KEY_SHAPE = /^[A-Za-z0-9_-]{22,128}$/

export function newOverlayKey(bytes: number) {
  return randomBytes(Math.max(16, bytes)).toString('base64url')
}

/** Could this be a key at all? (Anything else is a 404 without a query.) */
export function isOverlayKeyShape(value: unknown): value is string {
  return typeof value === 'string' && KEY_SHAPE.test(value)
}

export function hashOverlayKey(key: string) {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** The public part of an overlay's live channel name. */
export function overlayChannelId(keyHash: string) {
  return keyHash.slice(0, 32)
}

/** Compares two secrets (or hashes of them) in constant time. */
export function sameSecret(a: string, b: string) {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}
