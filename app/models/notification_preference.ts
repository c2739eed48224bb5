import { NotificationPreferenceSchema } from '#database/schema'

/**
 * Whether one category of notification is pushed to one user's browsers
 * (absent = pushed). The in-app notification is written either way.
 */
export default class NotificationPreference extends NotificationPreferenceSchema {}
