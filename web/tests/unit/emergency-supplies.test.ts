import { describe, expect, it } from 'vitest'
import { held, holdsByIncident, quantityAfter, stockInOrder, type Reservation, type Stock } from '@/emergency/supplies'

function stock(fields: Partial<Stock>): Stock {
  const quantity = fields.quantity ?? 10
  const minimum = fields.minimum ?? 0
  return {
    id: 's',
    location: '一号库',
    building_id: null,
    item_code: 'pump',
    item_name: '抽水泵',
    unit: '台',
    quantity,
    minimum,
    reserved: 0,
    available: quantity,
    below_minimum: quantity < minimum,
    version: 1,
    updated_at: '2026-12-07T01:00:00Z',
    ...fields,
  }
}

function reservation(fields: Partial<Reservation>): Reservation {
  return {
    id: 'r',
    incident_id: 'i1',
    item_code: 'pump',
    stock_id: 's',
    location: '一号库',
    quantity: 3,
    issued_quantity: 0,
    is_drill: false,
    status: 'active',
    reserved_at: '2026-12-07T01:00:00Z',
    released_at: null,
    released_by: null,
    ...fields,
  }
}

describe('stockInOrder', () => {
  it('puts the stock below its minimum first, the furthest under first, then by item and place', () => {
    const stocks = [
      stock({ id: 'ok-b', item_name: '沙袋', location: '南院库房' }),
      stock({ id: 'low-1', item_name: '抽水泵', quantity: 4, minimum: 5 }),
      stock({ id: 'ok-a', item_name: '沙袋', location: '北院库房' }),
      stock({ id: 'low-3', item_name: '手电筒', quantity: 2, minimum: 5 }),
    ]
    expect(stockInOrder(stocks).map((one) => one.id)).toEqual(['low-3', 'low-1', 'ok-a', 'ok-b'])
    expect(stocks[0]!.id).toBe('ok-b') // the list given is left as it was
  })
})

describe('quantityAfter', () => {
  const on = stock({ quantity: 5 })

  it('adds a receipt, takes an issue and sets a count', () => {
    expect(quantityAfter(on, 'receipt', 3)).toBe(8)
    expect(quantityAfter(on, 'issue', 5)).toBe(0)
    expect(quantityAfter(on, 'count', 2)).toBe(2)
    expect(quantityAfter(on, 'count', 0)).toBe(0)
  })

  it('refuses a receipt or issue of nothing, an issue of more than is on hand, and fractions', () => {
    expect(quantityAfter(on, 'receipt', 0)).toBeNull()
    expect(quantityAfter(on, 'issue', 0)).toBeNull()
    expect(quantityAfter(on, 'issue', 6)).toBeNull()
    expect(quantityAfter(on, 'receipt', 1.5)).toBeNull()
    expect(quantityAfter(on, 'opening', 1)).toBeNull()
  })
})

describe('reservations', () => {
  it('groups them by incident in the order first met', () => {
    const groups = holdsByIncident([
      reservation({ id: 'a', incident_id: 'i2' }),
      reservation({ id: 'b', incident_id: 'i1', is_drill: true }),
      reservation({ id: 'c', incident_id: 'i2' }),
    ])
    expect(groups.map((group) => [group.incidentId, group.isDrill, group.reservations.map((one) => one.id)])).toEqual([
      ['i2', false, ['a', 'c']],
      ['i1', true, ['b']],
    ])
  })

  it('counts as held only what an active reservation has not issued', () => {
    expect(held(reservation({ quantity: 3, issued_quantity: 1 }))).toBe(2)
    expect(held(reservation({ status: 'released' }))).toBe(0)
    expect(held(reservation({ status: 'shortfall' }))).toBe(0)
  })
})
