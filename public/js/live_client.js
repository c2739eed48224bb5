/*
 * What the pages fed over Transmit share (poll_live.js, overlay.js).
 */

/**
 * A Transmit client id. `crypto.randomUUID` exists only on secure origins:
 * an OBS machine opening Chorus over plain HTTP on a LAN has the fallback.
 */
export function newUid() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') {
    return window.crypto.randomUUID()
  }
  const bytes = window.crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** "1:35" for a positive number of milliseconds (rounded up to the second). */
export function clockText(ms) {
  const seconds = Math.ceil(ms / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}
