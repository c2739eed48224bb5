import { inject } from '@adonisjs/core'
import twitchConfig from '#config/twitch'
import { TwitchAppToken } from '#services/twitch/twitch_app_token'
import { TwitchTransientError } from '#services/twitch/twitch_errors'
import { twitchRequest } from '#services/twitch/twitch_http'

interface SentChatMessage {
  messageId: string
  isSent: boolean
  /** Twitch's reason when it dropped the message (AutoMod, a ban…). */
  dropReason: string | null
}

interface SendBody {
  data?: {
    message_id?: string
    is_sent?: boolean
    drop_reason?: { code?: string; message?: string } | null
  }[]
}

/**
 * Send Chat Message (`{TWITCH_HELIX_URL}/chat/messages`) as the broadcaster,
 * with the app access token: the broadcaster granted Chorus `user:write:chat`,
 * `user:bot` and `channel:bot`, and `for_source_only` keeps the message in
 * that one channel during a Shared Chat session (docs/chat-voting.md).
 */
@inject()
export class TwitchChatClient {
  constructor(private appToken: TwitchAppToken) {}

  async send(broadcasterId: string, message: string): Promise<SentChatMessage> {
    const { body, status } = await this.appToken.run((token) =>
      twitchRequest<SendBody>({
        method: 'POST',
        url: `${twitchConfig.helixUrl}/chat/messages`,
        headers: { 'Authorization': `Bearer ${token}`, 'Client-Id': twitchConfig.clientId },
        json: {
          broadcaster_id: broadcasterId,
          sender_id: broadcasterId,
          message,
          for_source_only: true,
        },
        timeoutMs: twitchConfig.timeoutMs,
        action: 'send chat message',
      })
    )
    const sent = body?.data?.[0]
    if (!sent) {
      throw new TwitchTransientError('Twitch answered send chat message without data', status)
    }
    return {
      messageId: sent.message_id ?? '',
      isSent: sent.is_sent === true,
      dropReason: sent.drop_reason?.message ?? sent.drop_reason?.code ?? null,
    }
  }
}
