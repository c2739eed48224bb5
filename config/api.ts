/**
 * The JSON API for integrations (docs/api.md). Services read these values
 * through `ApiSettings`, which tests swap in the container.
 */
const apiConfig = {
  /**
   * Requests one token may make per minute, every route together: a macro
   * reading a live poll every 2 seconds uses 30.
   */
  requestsPerMinute: 120,

  /**
   * Launches one token may make per minute. Each launch creates a poll on
   * every channel of the campaign, and only one poll runs at a time anyway.
   */
  launchesPerMinute: 10,
}

export default apiConfig
