import { pollBeginEvent, pollEndEvent, pollProgressEvent } from './event_payloads.js'
import type { EventSubBroker } from './eventsub_broker.js'
import type { PollEvents } from './poll_store.js'
import type { EmulatorUser, PollRecord } from './types.js'
import type { UserDirectory } from './user_directory.js'

type Build = (poll: PollRecord, broadcaster: EmulatorUser | undefined) => unknown

/** Turns poll changes into channel.poll.* notifications for the poll's channel. */
export function pollEventPublisher(broker: EventSubBroker, users: UserDirectory): PollEvents {
  const publisher = (type: string, build: Build) => (poll: PollRecord) => {
    broker.publish(
      type,
      (condition) => condition.broadcaster_user_id === poll.broadcasterId,
      build(poll, users.get(poll.broadcasterId))
    )
  }
  return {
    begin: publisher('channel.poll.begin', pollBeginEvent),
    progress: publisher('channel.poll.progress', pollProgressEvent),
    end: publisher('channel.poll.end', pollEndEvent),
  }
}
