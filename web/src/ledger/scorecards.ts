// The figures of a department's scorecard (年度考核), each with the measure of the events
// behind it (ledger-svc's scorecards/service.py says what each counts), and where an
// event's subject can be opened in the console.
import type { components } from '@/api/schema'

export type Scorecard = components['schemas']['Scorecard']
export type ScorecardList = components['schemas']['ScorecardList']
export type Measure = components['schemas']['ScorecardMeasure']
export type Fact = components['schemas']['FactRead']

export interface Figure {
  /** i18n key under ledger.scorecard.figure */
  key: string
  measure: Measure
  /** The figure as shown: a count, with its rate or points where it has them. */
  text: (card: Scorecard) => string
}

const percent = (value: number | null) => (value === null ? '—' : `${value}%`)
// Records without points are counted, and show no points.
const withPoints = (records: number, points: number, sign: string) => (points ? `${records}（${sign}${points}）` : String(records))

export const FIGURES: readonly Figure[] = [
  { key: 'itemsCompleted', measure: 'item_completed', text: (card) => String(card.items_completed) },
  { key: 'itemsOnTime', measure: 'item_on_time', text: (card) => `${card.items_on_time}（${percent(card.on_time_rate_percent)}）` },
  { key: 'ticketsClosed', measure: 'ticket_closed', text: (card) => String(card.tickets_closed) },
  { key: 'slaMet', measure: 'ticket_sla_met', text: (card) => `${card.tickets_sla_met}（${percent(card.sla_compliance_percent)}）` },
  { key: 'slaBreaches', measure: 'sla_breach', text: (card) => String(card.sla_breaches) },
  {
    key: 'rating',
    measure: 'ticket_rating',
    text: (card) => (card.mean_rating === null ? '—' : `${card.mean_rating.toFixed(2)}（${card.ratings}）`),
  },
  {
    key: 'rewards',
    measure: 'accountability_reward',
    text: (card) => withPoints(card.accountability.rewards, card.accountability.reward_points, '+'),
  },
  {
    key: 'penalties',
    measure: 'accountability_penalty',
    text: (card) => withPoints(card.accountability.penalties, card.accountability.penalty_points, '−'),
  },
  { key: 'exempted', measure: 'accountability_exempted', text: (card) => String(card.accountability.exempted) },
  { key: 'drills', measure: 'drill_participation', text: (card) => String(card.drills) },
]

/** The console's page of an event's subject: a ledger item's or a ticket's (records and
 *  drills have none of their own here). */
export function subjectRoute(fact: Pick<Fact, 'measure' | 'subject'>): { name: string; params: { id: string } } | null {
  if (fact.measure.startsWith('item_')) return { name: 'ledgerItem', params: { id: fact.subject } }
  if (fact.measure.startsWith('ticket_') || fact.measure === 'sla_breach') return { name: 'ticket', params: { id: fact.subject } }
  return null
}
