import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { OverlayBroadcaster } from '#services/overlays/overlay_broadcaster'

/**
 * The live channels a browser may ask Transmit for; start/transmit.ts
 * authorizes each. Any other name is refused before Transmit keeps it in
 * memory (docs/operations.md, "What strangers can cost").
 */
const LIVE_CHANNEL_PATTERNS = [
  PollBroadcaster.channelPattern,
  OverlayBroadcaster.channelPattern,
] as const

/** Longer than any channel Chorus names (an overlay's is about 60 characters). */
const MAX_LIVE_CHANNEL_LENGTH = 128

const CHANNEL_MATCHERS = LIVE_CHANNEL_PATTERNS.map((pattern) => {
  const segments = pattern
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[A-Za-z0-9_-]+' : segment))
  return new RegExp(`^${segments.join('/')}$`)
})

function isLiveChannel(name: string) {
  return CHANNEL_MATCHERS.some((matcher) => matcher.test(name))
}

const liveChannel = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && !isLiveChannel(value)) {
    field.report('There is no such live channel.', 'liveChannel', field)
  }
})

/** A browser's stream id (transmit-client makes a UUID). */
const uid = vine
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/)
  .bail(true)

/** `GET /__transmit/events?uid=…` */
export const liveStreamValidator = vine.create({ uid })

/** `POST /__transmit/subscribe|unsubscribe {uid, channel}` */
export const liveSubscriptionValidator = vine.create({
  uid,
  channel: vine.string().maxLength(MAX_LIVE_CHANNEL_LENGTH).use(liveChannel()),
})

const liveMessages = new SimpleMessagesProvider({
  'uid.required': 'Missing the stream id (uid).',
  'uid.regex': 'The stream id (uid) is 1 to 64 letters, digits or dashes.',
  'channel.required': 'Missing the channel to listen to.',
  'channel.maxLength': 'There is no such live channel.',
})
liveStreamValidator.messagesProvider = liveMessages
liveSubscriptionValidator.messagesProvider = liveMessages
