import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import { keysetPages } from '#services/tokens/refresh_selection'
import { TokenRefreshSettings } from '#services/tokens/token_refresh_settings'
import { inject } from '@adonisjs/core'

/**
 * Tokens stored before the move to AdonisJS 7 are in the previous format,
 * which the current driver refuses: those are read with the `legacy` driver
 * (config/encryption.ts). A refresh writes new tokens in the current format;
 * `node ace tokens:reencrypt` rewrites, once, those no refresh has reached
 * yet, after which the legacy driver can go (docs/operations.md, "Encryption").
 */
export function decryptToken(value: string | null): string | null {
  if (!value) return null
  return encryption.decrypt<string>(value) ?? encryption.use('legacy').decrypt<string>(value)
}

/** Written by the previous format: readable by the legacy driver only. */
export function isLegacyCiphertext(value: string | null): boolean {
  return (
    value !== null &&
    encryption.decrypt<string>(value) === null &&
    encryption.use('legacy').decrypt<string>(value) !== null
  )
}

interface ReencryptionReport {
  /** Streamers looked at. */
  checked: number
  /** Token columns rewritten in the current format. */
  rewritten: number
}

const TOKEN_COLUMNS = ['access_token_encrypted', 'refresh_token_encrypted'] as const

/**
 * Rewrites every legacy ciphertext of the streamers' tokens in the current
 * format, a page of streamers at a time. Each column is replaced only if it
 * still holds the ciphertext read (a refresh running meanwhile wins), so it
 * is safe while the app runs, and a second run finds nothing to do.
 */
@inject()
export class LegacyTokenReencryption {
  constructor(private settings: TokenRefreshSettings) {}

  async run(): Promise<ReencryptionReport> {
    const report: ReencryptionReport = { checked: 0, rewritten: 0 }
    for await (const page of keysetPages(() => {}, this.settings.pageSize)) {
      for (const streamer of page) {
        report.checked += 1
        const stored = {
          access_token_encrypted: streamer.accessTokenEncrypted,
          refresh_token_encrypted: streamer.refreshTokenEncrypted,
        }
        for (const column of TOKEN_COLUMNS) {
          const ciphertext = stored[column]
          if (!ciphertext || !isLegacyCiphertext(ciphertext)) continue
          const updated = await db
            .from('streamers')
            .where('id', streamer.id)
            .where(column, ciphertext)
            .update({ [column]: encryption.encrypt(decryptToken(ciphertext)!) }, ['id'])
          report.rewritten += updated.length
        }
      }
    }
    return report
  }
}
