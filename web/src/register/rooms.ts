// What the register says of rooms' kinds, as asset-svc has it (register/models.py).
import type { components } from '@/api/schema'

export type RoomKind = components['schemas']['RoomKind']

/** The kinds of room that are office space (办公用房): the public summary's classes, and
 *  the rooms in which people take a seat. */
export const OFFICE_SPACE_KINDS = ['office', 'service', 'equipment', 'ancillary'] as const satisfies readonly RoomKind[]

export function isOfficeSpace(kind: RoomKind): boolean {
  return (OFFICE_SPACE_KINDS as readonly RoomKind[]).includes(kind)
}
