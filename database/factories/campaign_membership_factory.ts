import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import CampaignMembership from '#models/campaign_membership'

/**
 * Defaults to an accepted membership with a poll authorization running for
 * 12 hours from now; states narrow it down.
 */
export const CampaignMembershipFactory = factory
  .define(CampaignMembership, () => {
    const now = DateTime.now()
    return {
      status: 'active' as const,
      invitedAt: now.minus({ days: 1 }),
      acceptedAt: now.minus({ hours: 23 }),
      pollAuthorizationGrantedAt: now,
      pollAuthorizationExpiresAt: now.plus({ hours: 12 }),
    }
  })
  .state('pending', (membership) => {
    membership.status = 'pending'
    membership.acceptedAt = null
    membership.pollAuthorizationGrantedAt = null
    membership.pollAuthorizationExpiresAt = null
  })
  .state('notGranted', (membership) => {
    membership.pollAuthorizationGrantedAt = null
    membership.pollAuthorizationExpiresAt = null
  })
  .state('expired', (membership) => {
    membership.pollAuthorizationGrantedAt = DateTime.now().minus({ hours: 13 })
    membership.pollAuthorizationExpiresAt = DateTime.now().minus({ hours: 1 })
  })
  .build()
