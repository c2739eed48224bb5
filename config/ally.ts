import twitchConfig from '#config/twitch'
import { defineConfig } from '@adonisjs/ally'
import { TwitchDriver } from '#services/twitch/twitch_ally_driver'

/**
 * Ally has no Twitch provider: ours is an Oauth2Driver subclass.
 */
const allyConfig = defineConfig({
  twitch: (ctx) =>
    new TwitchDriver(ctx, {
      clientId: twitchConfig.clientId,
      clientSecret: twitchConfig.clientSecret,
      callbackUrl: twitchConfig.callbackUrl,
      oauthUrl: twitchConfig.oauthUrl,
      helixUrl: twitchConfig.helixUrl,
      scopes: twitchConfig.scopes,
      timeoutMs: twitchConfig.timeoutMs,
    }),
})

export default allyConfig

declare module '@adonisjs/ally/types' {
  interface SocialProviders extends InferSocialProviders<typeof allyConfig> {}
}
