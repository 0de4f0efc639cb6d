// Who took part in a drill or a training, as typed: rows left without a department are
// blank lines of the form, not participants.
export interface ParticipantRow {
  department: string
  people: number
}

/** The rows with a department named, trimmed. */
export function filledIn(rows: readonly ParticipantRow[]): ParticipantRow[] {
  return rows.filter((row) => row.department.trim()).map((row) => ({ department: row.department.trim(), people: row.people }))
}

/** Departments typed on one line, apart by 、, commas or spaces; each once. */
export function departmentList(typed: string): string[] {
  return [...new Set(typed.split(/[、,，;；\s]+/).filter(Boolean))]
}
