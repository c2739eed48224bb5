import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import encryption from '@adonisjs/core/services/encryption'
import Streamer from '#models/streamer'
import { UserFactory } from '#database/factories/user_factory'

let sequence = 0

/**
 * A connected streamer with placeholder tokens. Tests that talk to the
 * emulator replace the tokens with ones it issued (`issueTokens`).
 */
export const StreamerFactory = factory
  .define(Streamer, ({ faker }) => {
    sequence += 1
    const login = `${faker.internet
      .username()
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '')}_${sequence}`
    return {
      twitchUserId: String(900000 + sequence + Math.floor(Math.random() * 1e6) * 1000),
      twitchLogin: login,
      twitchDisplayName: login,
      broadcasterType: 'affiliate' as const,
      profileImageUrl: '',
      scopes: ['channel:manage:polls', 'channel:read:polls', 'user:read:email'],
      accessTokenEncrypted: encryption.encrypt(`access-${login}`),
      refreshTokenEncrypted: encryption.encrypt(`refresh-${login}`),
      isActive: true,
      tokenExpiresAt: DateTime.now().plus({ hours: 4 }),
      lastTokenRefreshAt: DateTime.now(),
      tokenRefreshFailedAt: null,
    }
  })
  .relation('user', () => UserFactory)
  .build()
