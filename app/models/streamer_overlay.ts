import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Streamer from '#models/streamer'
import { StreamerOverlaySchema } from '#database/schema'

export const OVERLAY_POSITIONS = [
  'top-left',
  'top-right',
  'bottom-left',
  'bottom-right',
  'top',
  'bottom',
] as const
export type OverlayPosition = (typeof OVERLAY_POSITIONS)[number]

export const OVERLAY_THEMES = ['dark', 'light', 'outline'] as const
export type OverlayTheme = (typeof OVERLAY_THEMES)[number]

/**
 * A streamer's overlay: its secret key (hashed for lookups, encrypted so the
 * URL can be shown again; neither is ever serialized) and its look.
 */
export default class StreamerOverlay extends StreamerOverlaySchema {
  static table = 'streamer_overlays'

  @column({ serializeAs: null })
  declare keyHash: string

  @column({ serializeAs: null })
  declare keyEncrypted: string

  @column()
  declare position: OverlayPosition

  @column()
  declare theme: OverlayTheme

  @belongsTo(() => Streamer)
  declare streamer: BelongsTo<typeof Streamer>
}
