import app from '@adonisjs/core/services/app'
import type { Group } from '@japa/runner/core'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import { ApiSettings } from '#services/api/api_settings'
import { ApiTokenService } from '#services/api/api_token_service'
import { pollTestSetup } from '#tests/helpers/polls'

/**
 * API tests: what poll tests get (empty tables and rate-limit counts, fresh
 * emulator, fixed clock, no poller left) and the API's own settings.
 */
export function apiTestSetup(group: Group) {
  const clock = pollTestSetup(group)
  group.each.setup(() => () => app.container.restore(ApiSettings))
  return clock
}

export function useApiSettings(overrides: Partial<ApiSettings>) {
  app.container.swap(ApiSettings, () => new ApiSettings(overrides))
}

/** A new personal access token of the user, as the settings page makes it. */
export async function apiTokenOf(user: User, name = 'Tests') {
  const { value } = await new ApiTokenService().create(user, { name })
  return value
}

/**
 * A call of the JSON API, with the token when there is one; redirects are
 * not followed (the API must never answer one).
 */
export function apiCall(
  client: ApiClient,
  method: 'get' | 'post',
  url: string,
  token: string | null
) {
  const request = client[method](url).redirects(0)
  return token === null ? request : request.bearerToken(token)
}

/** `POST /api/v1/campaigns/:id/polls` with the token: a launch, body still to send. */
export function apiLaunch(client: ApiClient, campaignId: number, token: string | null) {
  return apiCall(client, 'post', `/api/v1/campaigns/${campaignId}/polls`, token)
}

/** The messages of a JSON error answer, by field ('' for none). */
export function errorFields(body: { errors?: { message: string; field?: string }[] }) {
  return Object.fromEntries((body.errors ?? []).map((error) => [error.field ?? '', error.message]))
}
