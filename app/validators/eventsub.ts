import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'

/**
 * The shapes of Twitch's EventSub messages that Chorus relies on
 * (docs/eventsub.md, "Messages Chorus cannot use"). A signed message that
 * does not fit is acknowledged and logged, never answered with an error
 * Twitch would retry into a revocation. Fields Chorus does not read are let
 * through unchecked (and dropped from the validated value).
 */

/** Ids and logins as Twitch sends them: short printable text (no NUL, no control characters). */
const ID_PATTERN = /^[^\p{Cc}]{1,64}$/u

/** Counts fit a PostgreSQL integer: 2^31 votes on one channel is not a real poll. */
const MAX_COUNT = 2 ** 31 - 1

function id() {
  return vine.string().regex(ID_PATTERN)
}

function count() {
  return vine.number({ strict: true }).withoutDecimals().min(0).max(MAX_COUNT)
}

/** The subscription part of every message body (verification, notification, revocation). */
export const subscriptionShape = vine.create({
  subscription: vine.object({
    id: id(),
    type: vine.string().regex(/^[a-z0-9_.]{1,64}$/),
    version: vine.string().regex(/^[0-9a-z]{1,8}$/),
    status: vine.string().regex(/^[a-z_]{1,64}$/),
    condition: vine.record(id()),
    transport: vine
      .object({
        method: vine.string().maxLength(32),
        callback: vine.string().maxLength(2048).optional(),
      })
      .allowUnknownProperties()
      .optional(),
  }),
})

export type SubscriptionShape = Infer<typeof subscriptionShape>['subscription']

/** `webhook_callback_verification`: the challenge to echo. */
export const challengeShape = vine.create({
  challenge: vine.string().regex(/^[^\p{Cc}]{1,512}$/u),
})

const pollChoice = vine.object({
  id: id(),
  title: vine.string().maxLength(200).optional(),
  votes: count().optional(),
  channel_points_votes: count().optional(),
  bits_votes: count().optional(),
})

/** `channel.poll.begin|progress|end`. */
export const pollEventShape = vine.create({
  id: id(),
  broadcaster_user_id: id(),
  choices: vine.array(pollChoice).minLength(2).maxLength(5),
  status: vine.enum(['completed', 'archived', 'terminated']).optional(),
})

export type PollEventShape = Infer<typeof pollEventShape>

/** `channel.chat.message`: what a vote needs. */
export const chatMessageShape = vine.create({
  broadcaster_user_id: id(),
  chatter_user_id: id(),
  message_id: id().optional(),
  message: vine.object({ text: vine.string().maxLength(2000) }),
  source_broadcaster_user_id: id().nullable().optional(),
})

export type ChatMessageShape = Infer<typeof chatMessageShape>

/** `user.authorization.revoke`: login and name may be null. */
export const authorizationRevokeShape = vine.create({
  client_id: id(),
  user_id: id(),
})

export type AuthorizationRevokeShape = Infer<typeof authorizationRevokeShape>

/** `conduit.shard.disabled`: which shard of which conduit stopped, and why. */
export const shardDisabledShape = vine.create({
  conduit_id: id(),
  shard_id: vine.string().regex(/^[0-9]{1,6}$/),
  status: vine.string().regex(/^[a-z_]{1,64}$/),
})

export type ShardDisabledShape = Infer<typeof shardDisabledShape>
