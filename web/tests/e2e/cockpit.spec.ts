// The leaders' cockpit (领导驾驶舱) in a browser against the real platform: a ledger item falls
// overdue as the platform's clock passes its deadline, and the leader finds it there the next
// morning, opens it and intervenes; once the owner has answered and reported it done, it has
// left the list.
import type { APIRequestContext } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { ADMIN_PASSWORD, apiAs, eventually, expect, expectAccessible, fileByApi, mainMenu, moveClock, newDesk, newUser, photograph, signIn, test } from './support'

async function answered<T>(answer: Awaited<ReturnType<APIRequestContext['post']>>, status = 201): Promise<T> {
  expect(answer.status(), await answer.text()).toBe(status)
  return (await answer.json()) as T
}

const BUREAU_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' })
const DAY_MS = 86_400_000

/** Noon yesterday on the bureau's clock (Beijing time), and that day: half a day from either
 *  midnight, so "today" cannot turn under the journey at whatever hour it runs. */
function yesterdayNoon(): { moment: Date; day: string } {
  const today = BUREAU_DAY.format(new Date())
  const moment = new Date(Date.parse(`${today}T12:00:00+08:00`) - DAY_MS)
  return { moment, day: BUREAU_DAY.format(moment) }
}

/** An item due today and 95% done by its owner: on time, so no exception yet. */
async function itemDueToday(today: string) {
  const suffix = randomUUID().slice(0, 8)
  const department = `综合处${suffix}`
  const owner = await newUser(['agent'], { department, display_name: `责任人${suffix}` })
  const year = Number(today.slice(0, 4))
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  const asOwner = await apiAs(owner.username, owner.password)
  try {
    const plan = await answered<{ id: string }>(
      await admin.post('/api/v1/ledger/plans', { data: { year, title: `${year} 年度工作要点${suffix}` } }),
    )
    const item = await answered<{ id: string; title: string }>(
      await admin.post(`/api/v1/ledger/plans/${plan.id}/items`, {
        data: {
          title: `档案室消防改造${suffix}`,
          owner_id: owner.id,
          department,
          starts_on: today,
          deadline: today,
          target: '完成档案室气体灭火系统改造',
          quality_requirement: '通过消防验收',
        },
      }),
    )
    await answered(await asOwner.post(`/api/v1/ledger/items/${item.id}/progress`, { data: { percent: 95, note: '待消防验收' } }))
    return { item, owner, department }
  } finally {
    await Promise.all([admin.dispose(), asOwner.dispose()])
  }
}

test('an item falls overdue as its deadline passes: the leader finds it in the cockpit next morning, intervenes; answered and done, it leaves the list', async ({ page }) => {
  // The platform's clock goes back to yesterday noon, the item's deadline day, and comes
  // back to the present: the deadline passes as the test watches.
  const deadlineDay = yesterdayNoon()
  const dayAfter = BUREAU_DAY.format(new Date(deadlineDay.moment.getTime() + DAY_MS))
  await moveClock(deadlineDay.moment)
  try {
    const { item, owner, department } = await itemDueToday(deadlineDay.day)
    const leader = await newUser(['leader'])

    await signIn(page, leader.username, leader.password)
    await expect(page).toHaveURL(/\/cockpit$/)
    const ledger = page.getByTestId('cockpit-ledger')
    const line = ledger.getByRole('listitem').filter({ hasText: item.title })
    const figure = page.getByTestId('cockpit-figure-ledger')
    await expect(figure).not.toHaveText(/—/)
    await expect(line).toHaveCount(0)

    await moveClock()
    // The next morning: yesterday's sign-in has long expired.
    await signIn(page, leader.username, leader.password)
    await expect(page.getByRole('heading', { name: '领导驾驶舱', level: 1 })).toBeVisible()
    await eventually(async () => {
      await page.getByTestId('cockpit-refresh').click()
      await expect(line).toContainText('逾期未完成', { timeout: 1_000 })
    })
    await expect(line).toContainText(department)
    // Overdue since the day after the deadline: today, unless the journey ran over midnight.
    await expect(line).toContainText(new RegExp(`自 ${dayAfter} 起|自今天（${dayAfter}）起`))

    // Its figure opens the list it counts.
    await expect(figure).not.toHaveText(/—/)
    await figure.click()
    await expect(ledger).toBeFocused()
    await expectAccessible(page)
    await photograph(page, 'cockpit')

    // The line opens the item, where the leader intervenes.
    await line.getByRole('link', { name: item.title }).click()
    await expect(page.getByRole('heading', { name: item.title, level: 1 })).toBeVisible()
    await page.getByRole('button', { name: '过问', exact: true }).click()
    await page.getByLabel('过问意见').fill('请说明逾期原因和完成安排')
    const dialog = page.getByRole('dialog', { name: '过问' })
    await dialog.getByRole('button', { name: '提交' }).click()
    await expect(dialog).toBeHidden()

    await mainMenu(page).getByRole('link', { name: '领导驾驶舱' }).click()
    await expect(line).toContainText('已过问')

    // The owner answers and reports the work done.
    const asOwner = await apiAs(owner.username, owner.password)
    try {
      const interventions = await asOwner.get(`/api/v1/ledger/items/${item.id}/interventions`)
      const [intervention] = (await interventions.json()) as { id: string }[]
      await answered(await asOwner.post(`/api/v1/ledger/interventions/${intervention!.id}/acknowledge`), 200)
      await answered(
        await asOwner.post(`/api/v1/ledger/interventions/${intervention!.id}/answer`, {
          data: { answer: '消防验收推迟一天，今日已通过验收' },
        }),
        200,
      )
      await answered(
        await asOwner.post(`/api/v1/ledger/items/${item.id}/progress`, { data: { percent: 100, note: '改造完成，通过消防验收' } }),
      )
    } finally {
      await asOwner.dispose()
    }

    await page.getByTestId('cockpit-refresh').click()
    await expect(ledger.getByRole('listitem').filter({ hasText: item.title })).toHaveCount(0)
  } finally {
    await moveClock()
  }
})

test('an incident reported and not yet responded to stands in the cockpit, marked; its line opens the board, where the leader may activate the response', async ({ page }) => {
  const leader = await newUser(['leader'])
  const reporter = await newUser(['agent'])
  const title = `三号楼电梯困人${randomUUID().slice(0, 8)}`
  const asReporter = await apiAs(reporter.username, reporter.password)
  try {
    await answered(await asReporter.post('/api/v1/emergency/incidents', { data: { type: 'fire', level: 'IV', title } }))
  } finally {
    await asReporter.dispose()
  }

  await signIn(page, leader.username, leader.password)
  const line = page.getByTestId('cockpit-incidents').getByRole('listitem').filter({ hasText: title })
  await expect(line).toContainText('待启动响应')
  await expect(line).toContainText('尚未启动响应')
  await line.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
  await expect(page.getByRole('button', { name: '启动响应' })).toBeVisible()
})

test('a leader presents the bureau’s year from the cockpit, slide by slide, and prints it', async ({ page }) => {
  const suffix = randomUUID().slice(0, 8)
  const department = `综合处${suffix}`
  const owner = await newUser(['agent'], { department })
  const leader = await newUser(['leader'])
  // A request of this year, so that the tickets' slides have a department to show.
  const desk = await newDesk()
  await fileByApi(desk, `会议室投影仪维修${suffix}`)
  const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 4))
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  let planTitle = ''
  try {
    const plan = await answered<{ id: string; title: string }>(
      await admin.post('/api/v1/ledger/plans', { data: { year, title: `${year} 年度工作要点${suffix}` } }),
    )
    planTitle = plan.title
    for (const title of [`机关食堂改造${suffix}`, `公务用车平台建设${suffix}`]) {
      const item = await answered<{ id: string }>(
        await admin.post(`/api/v1/ledger/plans/${plan.id}/items`, {
          data: { title, owner_id: owner.id, department, deadline: `${year}-12-31`, target: `${title}的目标`, quality_requirement: '按期完成' },
        }),
      )
      if (title.startsWith('机关食堂')) {
        const asOwner = await apiAs(owner.username, owner.password)
        await answered(await asOwner.post(`/api/v1/ledger/items/${item.id}/progress`, { data: { percent: 100, note: '已完工' } }))
        await asOwner.dispose()
      }
    }
  } finally {
    await admin.dispose()
  }

  await signIn(page, leader.username, leader.password)
  await page.getByRole('link', { name: '年度工作汇报' }).click()
  await expect(page.getByTestId('slide-title').getByRole('heading', { name: `${year} 年度工作汇报`, level: 1 })).toBeVisible()
  const slides = ['title', 'ledger', 'tickets', 'sla', 'ratings', 'drills']
  for (const [index, slide] of slides.entries()) {
    await expect(page.getByTestId('slide-position')).toHaveText(`第 ${index + 1} / ${slides.length} 页`)
    await expect(page.getByTestId(`slide-${slide}`)).toBeVisible()
    if (slide === 'ledger') {
      await expect(page.getByTestId('slide-ledger')).toContainText(`${planTitle}：总体进度 50%，2 项重点工作中已完成 1 项，逾期 0 项`)
      await expect(page.getByTestId('slide-ledger').locator('svg').first()).toBeVisible()
      await photograph(page, 'present-year-ledger')
    }
    if (slide === 'tickets') {
      await expect(page.getByTestId('slide-tickets')).toContainText(desk.department)
      await photograph(page, 'present-year-tickets')
    }
    await page.keyboard.press('PageDown')
  }
  await page.keyboard.press('n')
  await expect(page.getByTestId('slide-drills').getByRole('complementary', { name: '讲稿' })).toBeVisible()
  await expectAccessible(page)

  await page.emulateMedia({ media: 'print' })
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).toHaveLength(slides.length)
  await page.emulateMedia({ media: 'screen' })

  // January's meeting looks back on the year just ended: picked in the bar, shown whole.
  await page.locator('.el-select').filter({ has: page.getByRole('combobox', { name: '汇报年度' }) }).click()
  await page.getByRole('option', { name: `${year - 1} 年` }).click()
  await expect(page.getByTestId('slide-drills')).toContainText(`统计期间 ${year - 1}-01-01 至 ${year - 1}-12-31`)
  await page.keyboard.press('Home')
  await expect(page.getByTestId('slide-title').getByRole('heading', { name: `${year - 1} 年度工作汇报`, level: 1 })).toBeVisible()

  await page.getByRole('link', { name: '返回领导驾驶舱' }).click()
  await expect(page.getByRole('heading', { name: '领导驾驶舱', level: 1 })).toBeVisible()
})
