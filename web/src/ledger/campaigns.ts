// Campaigns (主题活动) as the console shows them: where one stands, and how many took part.
import type { components } from '@/api/schema'

export type Campaign = components['schemas']['CampaignRead']
export type CampaignDetail = components['schemas']['CampaignDetail']
export type Activity = components['schemas']['ActivityRead']
/** What is written under a campaign through a form. */
export type CampaignAction = 'activity' | 'participants' | 'result' | 'close'

/** The tag colour of a campaign: closed (its record written), running, planned or over. */
export function campaignTag(campaign: Pick<Campaign, 'status' | 'closed_at'>): 'info' | 'success' | 'primary' | 'warning' {
  if (campaign.closed_at) return 'info'
  return ({ planned: 'primary', running: 'success', finished: 'warning' } as const)[campaign.status]
}

/** How many people of how many departments took part in the campaign's activities. */
export function turnout(activities: readonly Pick<Activity, 'participants'>[]): { departments: number; people: number } {
  const departments = new Set(activities.flatMap((activity) => activity.participants.map((participant) => participant.department)))
  const people = activities.reduce((sum, activity) => sum + activity.participants.reduce((count, participant) => count + participant.people, 0), 0)
  return { departments: departments.size, people }
}
