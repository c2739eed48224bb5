import { inject } from '@adonisjs/core'
import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import { appUrl } from '#config/app'
import StreamerOverlay, { type OverlayPosition, type OverlayTheme } from '#models/streamer_overlay'
import type Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { OverlaySettings } from '#services/overlays/overlay_settings'
import { OverlayBroadcaster } from '#services/overlays/overlay_broadcaster'
import {
  hashOverlayKey,
  isOverlayKeyShape,
  newOverlayKey,
  overlayChannelId,
  sameSecret,
} from '#services/overlays/overlay_keys'

/** An overlay as its owner sees it on the dashboard (or the API). */
interface OverlayLink {
  overlay: StreamerOverlay
  key: string
  url: string
}

/**
 * A streamer's overlay: created with its key the first time it is asked for,
 * found by its key (a hash lookup confirmed in constant time), given a new
 * key (the old one stops at once), and its look saved.
 */
@inject()
export class OverlayService {
  constructor(
    private clock: Clock,
    private settings: OverlaySettings,
    private broadcaster: OverlayBroadcaster
  ) {}

  /** The streamer's overlay with its URL, created on first use. */
  async linkFor(streamer: Streamer): Promise<OverlayLink> {
    let overlay = await StreamerOverlay.findBy('streamer_id', streamer.id)
    if (!overlay) {
      const now = this.clock.now()
      const key = newOverlayKey(this.settings.keyBytes)
      // Two first visits at once: one row wins, the other reads it.
      await db
        .table('streamer_overlays')
        .insert({
          streamer_id: streamer.id,
          key_hash: hashOverlayKey(key),
          key_encrypted: encryption.encrypt(key),
          key_created_at: now.toJSDate(),
          created_at: now.toJSDate(),
          updated_at: now.toJSDate(),
        })
        .onConflict('streamer_id')
        .ignore()
      overlay = await StreamerOverlay.findByOrFail('streamer_id', streamer.id)
    }
    return this.#link(overlay)
  }

  /**
   * The overlay a key opens, or null. The lookup is by the key's SHA-256,
   * then the stored hash is compared in constant time.
   */
  async findByKey(key: unknown): Promise<StreamerOverlay | null> {
    if (!isOverlayKeyShape(key)) return null
    const keyHash = hashOverlayKey(key)
    const overlay = await StreamerOverlay.findBy('key_hash', keyHash)
    if (!overlay || !sameSecret(overlay.keyHash, keyHash)) return null
    return overlay
  }

  /**
   * May the holder of `key` listen to the live channel `channelId`?
   */
  async canListen(key: unknown, channelId: string) {
    const overlay = await this.findByKey(key)
    return overlay !== null && sameSecret(overlayChannelId(overlay.keyHash), channelId)
  }

  /**
   * A new key: the old URL answers 404 from now on, and pages still open
   * with it are told to stop (their live channel is the old key's).
   */
  async regenerate(streamer: Streamer): Promise<OverlayLink> {
    const { overlay } = await this.linkFor(streamer)
    const oldHash = overlay.keyHash
    const key = newOverlayKey(this.settings.keyBytes)
    overlay.merge({
      keyHash: hashOverlayKey(key),
      keyEncrypted: encryption.encrypt(key),
      keyCreatedAt: this.clock.now(),
    })
    await overlay.save()
    this.broadcaster.revoke(oldHash)
    return this.#link(overlay)
  }

  async saveLook(streamer: Streamer, look: { position: OverlayPosition; theme: OverlayTheme }) {
    const { overlay } = await this.linkFor(streamer)
    overlay.merge(look)
    await overlay.save()
    return overlay
  }

  #link(overlay: StreamerOverlay): OverlayLink {
    const key = encryption.decrypt<string>(overlay.keyEncrypted)
    if (!key) throw new Error('an overlay key could not be decrypted (APP_KEY changed?)')
    return { overlay, key, url: `${appUrl}/overlay/${key}` }
  }
}
