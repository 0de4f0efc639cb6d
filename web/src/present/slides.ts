// The presentation's rules, apart from its page: which key moves where, and the figures the
// slides draw, so that they can be tested without a browser.

/** The slide a key leads to from `current` of `count`, or null when the key is not ours.
 *  A presenter's clicker sends PageDown / PageUp; a keyboard the arrows, space, Home, End. */
export function slideAfterKey(key: string, current: number, count: number): number | null {
  const last = Math.max(count - 1, 0)
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
    case 'PageDown':
    case ' ':
    case 'Enter':
      return Math.min(current + 1, last)
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'PageUp':
    case 'Backspace':
      return Math.max(current - 1, 0)
    case 'Home':
      return 0
    case 'End':
      return last
    default:
      return null
  }
}

/** Office area as a share of the standard, in percent (0 when there is no standard). */
export function percentOfStandard(actual: number, standard: number): number {
  if (standard <= 0) return actual > 0 ? 100 : 0
  return Math.round((actual / standard) * 1000) / 10
}

/** The gauge's top: the standard at least, and room above for a unit over it. */
export function gaugeMax(percent: number): number {
  return Math.max(150, Math.ceil(percent / 50) * 50)
}

/** Each rank's standard area (headcount × area per person), the ranks with people only. */
export function standardByRank(
  lines: readonly { label: string; headcount: number; area_per_person: number | null }[],
): { label: string; area: number }[] {
  return lines
    .filter((line) => line.headcount > 0)
    .map((line) => ({ label: line.label, area: Math.round(line.headcount * (line.area_per_person ?? 0) * 100) / 100 }))
}

/** Yuan strings added up to the cent. */
export function sumYuan(values: readonly (string | null | undefined)[]): number {
  const cents = values.reduce((total, value) => total + (value ? Math.round(Number(value) * 100) : 0), 0)
  return cents / 100
}
