import { randomBytes } from 'node:crypto'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/**
 * Opaque lower-case alphanumeric strings, shaped like Twitch's tokens
 * (30 characters for access tokens and codes, 50 for refresh tokens).
 * 256 is a multiple of neither 36 nor anything handy, so bytes at or above
 * 252 (= 7 * 36) are skipped to keep the distribution even.
 */
export function randomToken(length: number): string {
  let result = ''
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 252 && result.length < length) {
        result += ALPHABET[byte % ALPHABET.length]
      }
    }
  }
  return result
}
