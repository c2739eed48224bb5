import { test } from '@japa/runner'
import {
  hashOverlayKey,
  isOverlayKeyShape,
  newOverlayKey,
  overlayChannelId,
  sameSecret,
} from '#services/overlays/overlay_keys'

test.group('Overlay keys', () => {
  test('a secret matches only itself, to its last character', ({ assert }) => {
    const hash = hashOverlayKey(newOverlayKey(24))
    const lastChanged = hash.slice(0, -1) + (hash.endsWith('0') ? '1' : '0')
    assert.isTrue(sameSecret(hash, hash))
    assert.isFalse(sameSecret(hash, lastChanged))
    assert.isFalse(sameSecret(lastChanged, hash))
  })

  test('a prefix of a secret, or the secret with more after it, does not match', ({ assert }) => {
    const hash = hashOverlayKey(newOverlayKey(24))
    assert.isFalse(sameSecret(hash, hash.slice(0, 32)))
    assert.isFalse(sameSecret(hash.slice(0, 32), hash))
    assert.isFalse(sameSecret(hash, `${hash}0`))
    assert.isFalse(sameSecret(hash, ''))
  })

  test('a live channel id is checked whole', ({ assert }) => {
    const channelId = overlayChannelId(hashOverlayKey(newOverlayKey(24)))
    assert.lengthOf(channelId, 32)
    assert.isTrue(sameSecret(channelId, channelId))
    assert.isFalse(sameSecret(channelId, channelId.slice(0, 31)))
    assert.isFalse(sameSecret(channelId, channelId.slice(0, 31) + 'x'))
  })

  test('a new key has at least 128 bits and the shape a lookup accepts', ({ assert }) => {
    const key = newOverlayKey(8)
    assert.isAtLeast(Buffer.from(key, 'base64url').length, 16)
    assert.isTrue(isOverlayKeyShape(key))
    assert.isFalse(isOverlayKeyShape(key.slice(0, 21)))
    assert.isFalse(isOverlayKeyShape(`${key}/`))
    assert.isFalse(isOverlayKeyShape(42))
  })
})
