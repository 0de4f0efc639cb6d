import { describe, expect, it } from 'vitest'
import { colleagueSight } from '@/tickets/colleagues'

describe('whom a reader may know by name', () => {
  it('the bureau’s staff their own department, admin, leaders and auditors any', () => {
    expect(colleagueSight({ id: 'a', roles: ['agent'], department: '后勤' }, '后勤')).toBe('names')
    expect(colleagueSight({ id: 'a', roles: ['dept_head'], department: '后勤' }, '财务')).toBe('ids')
    expect(colleagueSight({ id: 'l', roles: ['leader'], department: null }, '财务')).toBe('names')
  })

  it('a unit’s staff nobody: the bureau’s people are its staff to them', () => {
    expect(colleagueSight({ id: 'u', roles: ['unit_staff'], department: null }, '后勤')).toBe('staff')
  })
})
