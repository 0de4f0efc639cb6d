// The public pages, no sign-in: the commitments board on the wall, rating one resolved
// ticket by its code, and the ratings' results.
import type { APIRequestContext, Page } from '@playwright/test'
import { ADMIN_PASSWORD, apiAs, expect, expectAccessible, newUser, photograph, test } from './support'

// 10:00 on 6 December 2026 at the bureau.
const BUREAU_MORNING = new Date('2026-12-06T02:00:00Z')
const ROTATION_SECONDS = 10
const REFRESH_MS = 60_000

const run = Date.now().toString(36)

interface Published {
  code: string
  name: string
  department: string
  response_minutes: number
  resolve_hours: number
}

// Enough commitments in several departments for more than one screenful at 1920×1080.
const COMMITMENTS: Omit<Published, 'code'>[] = [
  { name: '办公用房维修', department: '物业管理处', response_minutes: 120, resolve_hours: 16 },
  { name: '空调故障报修', department: '物业管理处', response_minutes: 60, resolve_hours: 8 },
  { name: '公共区域保洁', department: '物业管理处', response_minutes: 30, resolve_hours: 4 },
  { name: '门禁卡办理', department: '物业管理处', response_minutes: 90, resolve_hours: 8 },
  { name: '公务用车派遣', department: '车辆服务处', response_minutes: 30, resolve_hours: 2 },
  { name: '车辆维修保养', department: '车辆服务处', response_minutes: 240, resolve_hours: 40 },
  { name: '停车证办理', department: '车辆服务处', response_minutes: 120, resolve_hours: 16 },
  { name: '会议室预订', department: '会议服务处', response_minutes: 60, resolve_hours: 4 },
  { name: '会场布置', department: '会议服务处', response_minutes: 120, resolve_hours: 24 },
  { name: '工作餐预订', department: '餐饮服务处', response_minutes: 60, resolve_hours: 8 },
  { name: '食堂意见受理', department: '餐饮服务处', response_minutes: 240, resolve_hours: 24 },
  { name: '办公家具配置', department: '资产管理处', response_minutes: 480, resolve_hours: 80 },
]

const published: Published[] = COMMITMENTS.map((terms, index) => ({ ...terms, code: `pub-${run}-${index}` }))

async function publishCommitments(admin: APIRequestContext): Promise<void> {
  for (const commitment of published) {
    const made = await admin.post('/api/v1/ticket/commitments', { data: { category: '后勤服务', ...commitment } })
    expect(made.status(), await made.text()).toBe(201)
    const { id } = (await made.json()) as { id: string }
    const publishing = await admin.post(`/api/v1/ticket/commitments/${id}/publish`)
    expect(publishing.status(), await publishing.text()).toBe(200)
  }
}

test.beforeAll(async () => {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    await publishCommitments(admin)
  } finally {
    await admin.dispose()
  }
})

/** The names of the commitments on the board's current screenful. */
async function namesShown(page: Page): Promise<string[]> {
  return page.getByTestId('board-commitment').locator('.board__name').allTextContents()
}

/** Every name the board shows, one screenful after another from the one it shows now. */
async function namesOnAllScreens(page: Page): Promise<Set<string>> {
  const indicator = page.getByTestId('board-page')
  await expect(indicator).toHaveText(/第 \d+ \/ \d+ 屏/)
  const [first, pages] = (await indicator.textContent())!.match(/\d+/g)!.map(Number) as [number, number]
  const seen = new Set<string>()
  for (let turn = 0; turn < pages; turn += 1) {
    await expect(indicator).toHaveText(`第 ${((first - 1 + turn) % pages) + 1} / ${pages} 屏`)
    for (const name of await namesShown(page)) seen.add(name)
    await page.clock.fastForward(ROTATION_SECONDS * 1000)
  }
  await expect(indicator).toHaveText(`第 ${first} / ${pages} 屏`)
  return seen
}

test('the board shows the published commitments a screenful at a time, turning by itself', async ({ page }) => {
  const echartsAsked: string[] = []
  page.on('request', (sent) => {
    if (/ScoreChart|echarts/.test(sent.url())) echartsAsked.push(sent.url())
  })
  await page.clock.install({ time: BUREAU_MORNING })
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.goto(`/board?seconds=${ROTATION_SECONDS}`)

  await expect(page.getByRole('heading', { name: '服务承诺公示', level: 1 })).toBeVisible()
  await expect(page.getByTestId('board-time')).toHaveText('10:00')
  await expect(page.getByText('2026年12月6日星期日')).toBeVisible()
  await expect(page.getByText(/评价结果公布于 .*\/ratings/)).toBeVisible()

  // Every screenful fits the screen: nothing is cut off at the bottom.
  const lastRow = page.getByTestId('board-commitment').last()
  const footer = page.locator('.board__footer')
  expect((await lastRow.boundingBox())!.y + (await lastRow.boundingBox())!.height).toBeLessThanOrEqual(
    (await footer.boundingBox())!.y,
  )

  const seen = await namesOnAllScreens(page)
  for (const commitment of published) expect(seen).toContain(commitment.name)

  // Each screenful heads its departments (a heading row per department).
  await expect(page.locator('th[scope="rowgroup"]').first()).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'public-board')

  // On a phone: one list, every commitment in it, no screenfuls.
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(page.getByTestId('board-page')).toHaveCount(0)
  for (const commitment of published) {
    await expect(page.getByTestId('board-commitment').filter({ hasText: commitment.name })).toHaveCount(1)
  }
  const repair = page.getByTestId('board-commitment').filter({ hasText: '办公用房维修' })
  await expect(repair).toContainText('2 个工作小时内响应')
  await expect(repair).toContainText('16 个工作小时内办结')
  await expect(page.getByTestId('board-commitment').filter({ hasText: '门禁卡办理' })).toContainText(
    '1 小时 30 分钟内响应（工作时间）',
  )
  await expect(page.getByTestId('board-commitment').filter({ hasText: '公共区域保洁' })).toContainText(
    '30 分钟内响应（工作时间）',
  )
  await expectAccessible(page)

  expect(echartsAsked, 'the board loads no chart library').toEqual([])
})

test('the board keeps its last data when the network drops, and says since when', async ({ page }) => {
  await page.clock.install({ time: BUREAU_MORNING })
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.goto(`/board?seconds=${ROTATION_SECONDS}`)
  await expect(page.getByTestId('board-commitment').first()).toBeVisible()
  const before = await namesOnAllScreens(page)

  await page.route('**/public/v1/commitments**', (route) => route.abort('internetdisconnected'))
  await page.clock.fastForward(REFRESH_MS)

  await expect(page.getByTestId('board-stale')).toHaveText(/^数据更新于 10:0\d（网络中断）$/)
  await photograph(page, 'public-board-offline')
  expect(await namesOnAllScreens(page), 'every screenful still shows its commitments').toEqual(before)

  // The network comes back: the next refresh clears the note.
  await page.unroute('**/public/v1/commitments**')
  await page.clock.fastForward(REFRESH_MS)
  await expect(page.getByTestId('board-stale')).toHaveCount(0)
})

/** A ticket of the first published commitment, opened and resolved by an agent: its code. */
async function resolvedTicketCode(title: string): Promise<string> {
  const agent = await newUser(['agent'])
  const desk = await apiAs(agent.username, agent.password)
  try {
    const opened = await desk.post('/api/v1/ticket/tickets', {
      data: {
        channel: 'phone',
        requester: { name: '王女士' },
        commitment_code: published[0]!.code,
        title,
        description: '三楼东侧会议室的空调不制冷',
      },
    })
    expect(opened.status(), await opened.text()).toBe(201)
    const { id } = (await opened.json()) as { id: string }
    const resolved = await desk.post(`/api/v1/ticket/tickets/${id}/resolve`, {
      data: { resolution: '已更换压缩机启动电容，制冷恢复' },
    })
    expect(resolved.status(), await resolved.text()).toBe(200)
    const { rating_code: code } = (await resolved.json()) as { rating_code: string | null }
    expect(code, 'the owner is handed the rating code').toBeTruthy()
    return code!
  } finally {
    await desk.dispose()
  }
}

async function ratingsCount(visitor: APIRequestContext): Promise<number> {
  const answer = await visitor.get('/public/v1/ratings/summary')
  expect(answer.status()).toBe(200)
  return ((await answer.json()) as { overall: { count: number } }).overall.count
}

test('a resolved ticket is rated once by its code, and the results count it', async ({ page, request }) => {
  const title = `会议室空调维修 ${run}`
  const code = await resolvedTicketCode(title)
  const department = published[0]!.department
  const countBefore = await ratingsCount(request)
  const chartAsked: string[] = []
  page.on('request', (sent) => {
    if (/ScoreChart/.test(sent.url())) chartAsked.push(sent.url())
  })

  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`/rate/${code}`)
  await expect(page.getByRole('heading', { name: '服务评价', level: 1 })).toBeVisible()
  await expect(page.getByTestId('rate-title')).toHaveText(title)
  await expect(page.getByText(department)).toBeVisible()
  const scores = page.getByRole('radiogroup', { name: '您对本次服务满意吗？' })
  await expect(scores.getByRole('radio')).toHaveCount(5)
  for (const label of ['非常满意', '满意', '基本满意', '不满意', '非常不满意']) {
    await expect(scores.getByRole('radio', { name: label, exact: true })).toBeVisible()
  }
  await expectAccessible(page)
  await photograph(page, 'public-rate')

  // Sent without a level: the page asks for one and sends nothing.
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByRole('alert')).toHaveText('请选择一项满意程度')

  await scores.getByText('满意', { exact: true }).click()
  await expect(scores.getByRole('radio', { name: '满意', exact: true })).toBeChecked()
  const comment = `维修师傅来得很快，态度也好 ${run}`
  await page.getByLabel('意见或建议（选填）').fill(comment)
  await page.getByRole('button', { name: '提交' }).click()

  await expect(page.getByTestId('rate-outcome')).toContainText('感谢您的评价！')
  await expect(page.getByTestId('rate-outcome')).toContainText('您的评价（满意）已收到')
  await expectAccessible(page)
  await photograph(page, 'public-rate-thanks')
  expect(await ratingsCount(request)).toBe(countBefore + 1)

  // The code is used: opening it again says so, and offers no form.
  await page.goto(`/rate/${code}`)
  await expect(page.getByTestId('rate-outcome')).toContainText('这项服务已经评价过了')
  await expect(page.getByRole('button', { name: '提交' })).toHaveCount(0)
  await photograph(page, 'public-rate-rated')

  // A second rating with the code, straight at the API, is refused too.
  const again = await request.post('/public/v1/ratings', { data: { code, score: 1 } })
  expect(again.status()).toBe(409)

  await page.goto('/rate/no-ticket-has-this-code')
  await expect(page.getByTestId('rate-outcome')).toContainText('评价链接无效')
  await expectAccessible(page)
  await photograph(page, 'public-rate-unknown')
  expect(chartAsked, 'the rating page loads no chart').toEqual([])

  // The results count it at once.
  await page.goto('/ratings')
  await expect(page.getByTestId('ratings-overall')).toContainText(`共收到 ${countBefore + 1} 份评价`)

  // Four more ratings of the department bring it to the five it takes to be listed, and the
  // admin publishes the comment.
  for (const score of [5, 4, 5, 3]) {
    const rated = await request.post('/public/v1/ratings', { data: { department, score } })
    expect(rated.status(), await rated.text()).toBe(201)
  }
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const pending = await admin.get('/api/v1/ticket/ratings', { params: { moderation: 'pending', limit: 500 } })
    const items = ((await pending.json()) as { items: { id: string; comment: string | null }[] }).items
    const ours = items.find((item) => item.comment === comment)
    expect(ours, 'the comment waits for moderation').toBeTruthy()
    const approved = await admin.post(`/api/v1/ticket/ratings/${ours!.id}/approve`)
    expect(approved.status(), await approved.text()).toBe(200)
  } finally {
    await admin.dispose()
  }

  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.goto('/ratings')
  await expect(page.getByRole('heading', { name: '满意度评价结果', level: 1 })).toBeVisible()
  await expect(page.getByTestId('ratings-overall')).toContainText(`共收到 ${countBefore + 5} 份评价`)
  const cells = page.getByTestId('ratings-table').getByRole('row').filter({ hasText: department }).getByRole('cell')
  await expect(cells.nth(2)).toHaveText('5')
  await expect(cells.nth(3)).toHaveText('4.2') // (4 + 5 + 4 + 5 + 3) / 5
  await expect(page.locator('.score-chart canvas')).toBeVisible()
  expect(chartAsked.length, 'the results page loads its chart').toBeGreaterThan(0)
  await expect(page.getByText(comment)).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'public-ratings')
})
