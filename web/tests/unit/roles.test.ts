import { describe, expect, it } from 'vitest'
import { homeOf } from '@/homes'
import { menuFor, mayOpen, SCREENS } from '@/roles'

function pathsOf(roles: string[]): string[] {
  return menuFor(roles).flatMap((group) => group.screens.map((screen) => screen.path))
}

describe('menuFor', () => {
  it('gives unit staff their requests', () => {
    expect(pathsOf(['unit_staff'])).toEqual(['/requests/new', '/requests', '/assets/units', '/assets/buildings', '/assets/renovations', '/assets/housing', '/assets/stocktakes', '/quality/documents', '/emergency', '/emergency/plans', '/inbox', '/me/contacts'])
  })

  it('gives an agent the desk and the work ledger', () => {
    expect(pathsOf(['agent'])).toEqual(['/desk', '/ledger', '/ledger/interventions', '/ledger/campaigns', '/quality/documents', '/quality/to-read', '/quality/cleanups', '/quality/nonconformities', '/quality/audits', '/quality/objectives', '/quality/reviews', '/emergency', '/emergency/plans', '/emergency/supplies', '/emergency/drills', '/emergency/readiness', '/inbox', '/me/contacts'])
  })

  it('gives a department head the desk, its escalations and its report', () => {
    expect(pathsOf(['dept_head'])).toEqual([
      '/desk',
      '/desk/escalations',
      '/desk/report',
      '/assets/units',
      '/assets/buildings',
      '/assets/changes',
      '/ledger',
      '/ledger/interventions',
      '/ledger/campaigns',
      '/ledger/scorecards',
      '/quality/documents', '/quality/to-read', '/quality/cleanups', '/quality/nonconformities', '/quality/audits', '/quality/objectives', '/quality/reviews', '/emergency', '/emergency/plans', '/emergency/supplies', '/emergency/drills', '/emergency/readiness',
      '/inbox',
      '/me/contacts',
    ])
  })

  it('gives a leader the cockpit, the escalations and the report', () => {
    expect(pathsOf(['leader'])).toEqual([
      '/cockpit',
      '/desk/escalations',
      '/desk/report',
      '/assets/units',
      '/assets/buildings',
      '/assets/changes',
      '/assets/compliance',
      '/assets/renovations',
      '/assets/housing', '/assets/stocktakes',
      '/ledger',
      '/ledger/interventions',
      '/ledger/campaigns',
      '/ledger/scorecards',
      '/quality/documents', '/quality/to-read', '/quality/cleanups', '/quality/nonconformities', '/quality/audits', '/quality/objectives', '/quality/reviews', '/emergency', '/emergency/plans', '/emergency/supplies', '/emergency/drills', '/emergency/readiness',
      '/inbox',
      '/me/contacts',
    ])
  })

  it('gives an admin the cockpit and the administration screens', () => {
    expect(pathsOf(['admin'])).toEqual([
      '/cockpit',
      '/assets/units',
      '/assets/buildings',
      '/assets/changes',
      '/assets/compliance',
      '/assets/renovations',
      '/assets/housing', '/assets/stocktakes',
      '/assets/imports',
      '/ledger',
      '/ledger/interventions',
      '/ledger/campaigns',
      '/ledger/scorecards',
      '/quality/documents', '/quality/to-read', '/quality/cleanups', '/quality/nonconformities', '/quality/audits', '/quality/objectives', '/quality/reviews', '/emergency', '/emergency/plans', '/emergency/supplies', '/emergency/drills', '/emergency/readiness',
      '/admin/users',
      '/admin/clients',
      '/admin/commitments',
      '/admin/calendars',
      '/admin/rules',
      '/admin/messages',
      '/inbox', '/me/contacts',
    ])
  })

  it('joins the screens of several roles, each once', () => {
    expect(pathsOf(['agent', 'dept_head'])).toEqual([
      '/desk',
      '/desk/escalations',
      '/desk/report',
      '/assets/units',
      '/assets/buildings',
      '/assets/changes',
      '/ledger',
      '/ledger/interventions',
      '/ledger/campaigns',
      '/ledger/scorecards',
      '/quality/documents', '/quality/to-read', '/quality/cleanups', '/quality/nonconformities', '/quality/audits', '/quality/objectives', '/quality/reviews', '/emergency', '/emergency/plans', '/emergency/supplies', '/emergency/drills', '/emergency/readiness',
      '/inbox',
      '/me/contacts',
    ])
  })

  it('gives an auditor the register to read', () => {
    expect(pathsOf(['auditor'])).toEqual(['/assets/units', '/assets/buildings', '/assets/changes', '/assets/compliance', '/assets/renovations', '/assets/housing', '/assets/stocktakes', '/ledger', '/ledger/interventions', '/ledger/campaigns', '/ledger/scorecards', '/quality/documents', '/quality/to-read', '/quality/cleanups', '/quality/nonconformities', '/quality/audits', '/quality/objectives', '/quality/reviews', '/emergency', '/emergency/plans', '/emergency/supplies', '/emergency/drills', '/emergency/readiness', '/inbox', '/me/contacts'])
  })

  it('gives everyone who signs in their inbox, and nobody else anything', () => {
    expect(pathsOf(['commander'])).toEqual(['/ledger', '/ledger/interventions', '/ledger/campaigns', '/quality/documents', '/quality/to-read', '/quality/cleanups', '/quality/nonconformities', '/quality/audits', '/quality/objectives', '/quality/reviews', '/emergency', '/emergency/plans', '/emergency/supplies', '/emergency/drills', '/emergency/readiness', '/inbox', '/me/contacts'])
    expect(menuFor(['integration'])).toEqual([])
    expect(menuFor([])).toEqual([])
  })
})

describe('mayOpen', () => {
  it('lets a unit\'s staff open their unit but not the city-wide compliance', () => {
    expect(mayOpen(SCREENS.unit, ['unit_staff'])).toBe(true)
    expect(mayOpen(SCREENS.compliance, ['unit_staff'])).toBe(false)
  })

  it('lets every ticket reader open a ticket, and nobody else', () => {
    expect(mayOpen(SCREENS.ticket, ['unit_staff'])).toBe(true)
    expect(mayOpen(SCREENS.ticket, ['commander'])).toBe(false)
  })

  it('lets admins and leaders write plans, and the bureau\'s people (not a unit\'s staff) read the supplies', () => {
    for (const screen of [SCREENS.newPlan, SCREENS.editPlan]) {
      expect(mayOpen(screen, ['leader'])).toBe(true)
      expect(mayOpen(screen, ['admin'])).toBe(true)
      expect(mayOpen(screen, ['commander'])).toBe(false)
      expect(mayOpen(screen, ['unit_staff'])).toBe(false)
    }
    expect(mayOpen(SCREENS.supplies, ['commander'])).toBe(true)
    expect(mayOpen(SCREENS.supplies, ['agent'])).toBe(true)
    expect(mayOpen(SCREENS.supplies, ['unit_staff'])).toBe(false)
  })
})

describe('homeOf', () => {
  it('sends each role to its first screen', () => {
    expect(homeOf(['admin'])).toBe('/admin/users')
    expect(homeOf(['agent'])).toBe('/desk')
    expect(homeOf(['dept_head'])).toBe('/desk')
    expect(homeOf(['leader'])).toBe('/cockpit')
    expect(homeOf(['unit_staff'])).toBe('/requests')
    expect(homeOf(['auditor'])).toBe('/assets/compliance')
    expect(homeOf(['commander'])).toBe('/emergency')
  })

  it('sends roles without screens to the home page', () => {
    expect(homeOf(['integration'])).toBe('/home')
  })

  it('sends each role to a screen it may open', () => {
    for (const role of ['admin', 'agent', 'dept_head', 'leader', 'unit_staff', 'auditor', 'commander']) {
      const screen = Object.values(SCREENS).find((candidate) => candidate.path === homeOf([role]))
      expect(screen && mayOpen(screen, [role])).toBe(true)
    }
  })
})
