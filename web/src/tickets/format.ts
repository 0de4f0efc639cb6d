// How the service desk's figures read: moments on the bureau's clock, time limits in
// working time, people by who they are to the reader.
import words from '@/i18n/zh-CN/tickets'

// The bureau works on Beijing time wherever the browser happens to be.
const BUREAU_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** `2026-12-07 09:30` on Beijing time; a dash for no moment. */
export function formatMoment(iso: string | null | undefined): string {
  if (!iso) return words.noDeadline
  const parts = Object.fromEntries(BUREAU_TIME.formatToParts(new Date(iso)).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
}

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''))
}

/** A commitment's response time: minutes under two hours (or not whole hours), else hours. */
export function responseTimeLabel(minutes: number): string {
  if (minutes < 120 || minutes % 60 !== 0) return fill(words.duration.minutes, { n: minutes })
  return fill(words.duration.hours, { n: minutes / 60 })
}

/** A commitment's resolution time, in working hours as it is promised. */
export function resolveTimeLabel(hours: number): string {
  return fill(words.duration.hours, { n: hours })
}

/** Whom the reader can name: the names of the colleagues they may look up, and whether
 *  anyone else is told apart by their id's start (not to a unit's staff, for whom the
 *  bureau's people are simply its staff). */
export interface KnownPeople {
  names: ReadonlyMap<string, string>
  idsShown: boolean
}

/** Someone named on a ticket (an owner, an actor of its history) as the reader knows them:
 *  by name where the reader may look colleagues up, else by their id's start. */
export function personLabel(
  userId: string | null | undefined,
  viewerId: string | null | undefined,
  people?: KnownPeople,
): string {
  if (!userId) return words.who.nobody
  if (userId === viewerId) return words.who.me
  const name = people?.names.get(userId)
  if (name) return name
  if (people && !people.idsShown) return words.who.staffUnnamed
  return fill(words.who.staff, { id: userId.slice(0, 8) })
}

/** Who did a line of history: nobody named means the service itself (the scheduler). */
export function actorLabel(
  userId: string | null | undefined,
  viewerId: string | null | undefined,
  people?: KnownPeople,
): string {
  return userId ? personLabel(userId, viewerId, people) : words.who.system
}

/** Who did a line of a ticket's history, as the reader knows them. The service names
 *  people by id only; where the line itself shows it was the requester's side — a request
 *  filed by someone who did not then receive it, an answer or a confirmation by someone
 *  other than the owner — the requester's name or unit is said instead. */
export function eventActorLabel(
  event: { kind: string; actor: string | null },
  ticket: { first_receiver: string | null; owner: string | null; requester: { name: string } },
  viewerId: string | null | undefined,
  people?: KnownPeople,
): string {
  const requesterSide =
    event.actor !== null &&
    event.actor !== viewerId &&
    ((event.kind === 'created' && event.actor !== ticket.first_receiver) ||
      (['confirmed', 'resumed'].includes(event.kind) && event.actor !== ticket.owner))
  if (!requesterSide) return actorLabel(event.actor, viewerId, people)
  return event.kind === 'created'
    ? fill(words.who.requester, { name: ticket.requester.name })
    : words.who.requesterUnit
}

/** A kind of history line in words. */
export function eventLabel(kind: string): string {
  return (words.event as Record<string, string>)[kind] ?? kind
}

/** A requester's rating in words: 5 非常满意 … 1 非常不满意. */
export function ratingLabel(rating: number | null | undefined): string {
  if (rating == null) return words.noDeadline
  return (words.rating as Record<number, string>)[rating] ?? String(rating)
}

/** What a history line says beyond its kind, as one line of text (empty when nothing). */
export function eventDetail(kind: string, data: Record<string, unknown>): string {
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : '')
  switch (kind) {
    case 'commented':
      return text('body')
    case 'waiting':
      return text('reason')
    case 'resolved':
      return text('resolution')
    case 'coordinated':
      return [text('department'), text('note')].filter(Boolean).join('：')
    case 'coordination_completed':
      return [text('department'), text('result')].filter(Boolean).join('：')
    case 'transferred':
      return text('reason')
    case 'confirmed': {
      if (data.automatic === true) return words.ticket.autoConfirmed
      const verdict = data.satisfied === true ? words.ticket.satisfied : words.ticket.unsatisfied
      const rating = typeof data.rating === 'number' ? `，${ratingLabel(data.rating)}` : ''
      const comment = text('comment') ? `：${text('comment')}` : ''
      return `${verdict}${rating}${comment}`
    }
    default:
      return ''
  }
}

/** The public page where a ticket's requester rates it (API.md: /rate/{code}). */
export function ratingPath(code: string): string {
  return `/rate/${encodeURIComponent(code)}`
}

/** A ticket's response time limit as a list shows it: the deadline until someone responds. */
export function responseDueText(ticket: { responded_at: string | null; response_due_at: string | null }): string {
  if (ticket.responded_at) return fill(words.responded, { at: formatMoment(ticket.responded_at) })
  return formatMoment(ticket.response_due_at)
}

/** A ticket's resolution time limit as a list shows it: paused while it waits on the
 *  requester, the moment it was resolved once it is. */
export function resolveDueText(ticket: {
  status: string
  sla_paused: boolean
  resolved_at: string | null
  resolve_due_at: string | null
}): string {
  if (ticket.sla_paused) return words.paused
  if ((ticket.status === 'resolved' || ticket.status === 'closed') && ticket.resolved_at) {
    return fill(words.resolvedAt, { at: formatMoment(ticket.resolved_at) })
  }
  return formatMoment(ticket.resolve_due_at)
}
