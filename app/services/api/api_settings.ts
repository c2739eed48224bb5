import apiConfig from '#config/api'

/**
 * The knobs of the JSON API, read from config/api.ts. Injectable: tests swap
 * in other values with
 * `app.container.swap(ApiSettings, () => new ApiSettings({ requestsPerMinute: 3 }))`.
 */
export class ApiSettings {
  requestsPerMinute: number = apiConfig.requestsPerMinute
  launchesPerMinute: number = apiConfig.launchesPerMinute

  constructor(overrides: Partial<ApiSettings> = {}) {
    Object.assign(this, overrides)
  }
}
