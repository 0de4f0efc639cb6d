// The four event grades (事件分级) as the bureau shows them: I 特别重大 red, II 重大 orange,
// III 较大 yellow, IV 一般 blue — on the board, in lists and on the command room's wall.
import type { components } from '@/api/schema'

export type Level = components['schemas']['Level']

/** From the gravest to the least grave, as the plans list them. */
export const LEVELS: readonly Level[] = ['I', 'II', 'III', 'IV']

/** The grade's colour and the text colour readable on it (contrast ≥ 4.5 : 1). */
export const LEVEL_COLOURS: Record<Level, { background: string; text: string }> = {
  I: { background: '#c8161d', text: '#ffffff' },
  II: { background: '#f08c00', text: '#1a1a1a' },
  III: { background: '#f5c400', text: '#1a1a1a' },
  IV: { background: '#1756b8', text: '#ffffff' },
}

/** Whether going from `from` to `to` raises the response (I is the gravest). */
export function isRaise(from: Level, to: Level): boolean {
  return LEVELS.indexOf(to) < LEVELS.indexOf(from)
}

/** The grades an incident at `current` can be moved to: every other one. */
export function otherLevels(current: Level): Level[] {
  return LEVELS.filter((level) => level !== current)
}
