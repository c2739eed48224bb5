import env from '#start/env'
import { defineConfig, drivers } from '@adonisjs/core/encryption'

/**
 * Encryption of cookies and of the Twitch tokens at rest, keyed by APP_KEY.
 * New values are written with ChaCha20-Poly1305. `legacy` reads what the
 * previous framework version wrote (tokens stored before the upgrade) until
 * refreshes and `node ace tokens:reencrypt` have rewritten them all with the
 * default driver. See docs/operations.md, "Encryption".
 */
const encryptionConfig = defineConfig({
  default: 'chacha',
  list: {
    chacha: drivers.chacha20({
      id: 'chacha',
      keys: [env.get('APP_KEY')],
    }),
    legacy: drivers.legacy({
      keys: [env.get('APP_KEY')],
    }),
  },
})

export default encryptionConfig
