/**
 * An action on a campaign refused for a reason the person can act on ("this
 * login does not exist", "reconnect your Twitch account"). Services throw it;
 * controllers turn it into a message on the page they send the browser back to.
 */
export class CampaignActionRefused extends Error {
  /** Signing in with Twitch again is the way out: the page offers it. */
  readonly reconnect: boolean

  constructor(message: string, options: { reconnect?: boolean } = {}) {
    super(message)
    this.name = 'CampaignActionRefused'
    this.reconnect = options.reconnect ?? false
  }
}
