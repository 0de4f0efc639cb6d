// What the supplies screen makes of the stock and reservations emergency-svc answers: the
// stock below its minimum first (what the readiness report names), and each incident's
// reservations together.
import type { components } from '@/api/schema'

export type Stock = components['schemas']['StockRead']
export type Reservation = components['schemas']['ReservationRead']
export type MovementKind = components['schemas']['MovementKind']

/** The movements a keeper records by hand (the opening one is made with the stock row). */
export const MANUAL_MOVEMENTS: readonly MovementKind[] = ['receipt', 'issue', 'count']

/** Below-minimum stock first, the furthest under its minimum first among them; then by
 *  item and location, as the API lists them. */
export function stockInOrder(stocks: readonly Stock[]): Stock[] {
  const shortOf = (stock: Stock) => (stock.below_minimum ? stock.minimum - stock.quantity : 0)
  return [...stocks].sort(
    (a, b) =>
      Number(b.below_minimum) - Number(a.below_minimum) ||
      shortOf(b) - shortOf(a) ||
      a.item_name.localeCompare(b.item_name, 'zh-CN') ||
      a.location.localeCompare(b.location, 'zh-CN'),
  )
}

/** The quantity a movement leaves on hand, or null when it cannot be recorded: an issue of
 *  more than is on hand, a receipt or an issue of none (emergency-svc also refuses an issue
 *  of units held for other incidents). */
export function quantityAfter(stock: Pick<Stock, 'quantity'>, kind: MovementKind, quantity: number): number | null {
  if (!Number.isInteger(quantity) || quantity < 0) return null
  switch (kind) {
    case 'receipt':
      return quantity >= 1 ? stock.quantity + quantity : null
    case 'issue':
      return quantity >= 1 && quantity <= stock.quantity ? stock.quantity - quantity : null
    case 'count':
      return quantity
    default:
      return null
  }
}

export interface IncidentHolds {
  incidentId: string
  isDrill: boolean
  reservations: Reservation[]
}

/** Reservations by incident, in the order first met (the API's: newest first). */
export function holdsByIncident(reservations: readonly Reservation[]): IncidentHolds[] {
  const groups = new Map<string, IncidentHolds>()
  for (const reservation of reservations) {
    const group = groups.get(reservation.incident_id) ?? { incidentId: reservation.incident_id, isDrill: reservation.is_drill, reservations: [] }
    group.reservations.push(reservation)
    groups.set(reservation.incident_id, group)
  }
  return [...groups.values()]
}

/** Units a reservation still keeps from others (0 unless active). */
export const held = (reservation: Pick<Reservation, 'status' | 'quantity' | 'issued_quantity'>) =>
  reservation.status === 'active' ? reservation.quantity - reservation.issued_quantity : 0
