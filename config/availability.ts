/**
 * How Chorus behaves while PostgreSQL or Redis is unreachable
 * (docs/operations.md, "Outages").
 */
const availabilityConfig = {
  /**
   * Retry-After of the 503 pages answered during an outage, in seconds.
   */
  retryAfterSeconds: 30,

  /**
   * While PostgreSQL is down, how often one probe query checks whether it is
   * back (Redis needs no probe: its client keeps reconnecting by itself).
   */
  databaseProbeIntervalMs: 2_000,

  /**
   * Upper bound of each `GET /health` check: an unreachable host must not
   * hold the health endpoint (or the load balancer asking it).
   */
  healthCheckTimeoutMs: 2_000,
}

export default availabilityConfig
