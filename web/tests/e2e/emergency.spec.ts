// Emergency response (应急管理) in a browser against the real platform: a commander reports and
// activates an incident while a task holder watches its board in a second browser (the new
// tasks appear there within 5 s, nobody reloading); the holder leaves their task
// unacknowledged and watches it pass to the deputy (the console stack gives emergency-svc a
// 15-second acknowledgement window); a leader raises the level, reports upward and closes it
// with follow-ups; the plans, drills and readiness screens.
import type { APIRequestContext, Browser, Locator, Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { ADMIN_PASSWORD, apiAs, expect, expectAccessible, mainMenu, newUser, photograph, signIn, test, type NewUser } from './support'

async function ok<T>(answer: Awaited<ReturnType<APIRequestContext['post']>>, status = 201): Promise<T> {
  expect(answer.status(), await answer.text()).toBe(status)
  return (await answer.json()) as T
}

interface Response {
  suffix: string
  department: string
  type: { code: string; name: string }
  plan: { id: string; title: string }
  commander: NewUser
  holder: NewUser
  deputy: NewUser
}

/** An incident type of its own and a special plan in force for it: at grade III the
 *  commander starts the response and the evacuation team's holder (deputy: another
 *  colleague) evacuates. All in one department, so each names the others. */
async function planOfItsOwn(): Promise<Response> {
  const suffix = randomUUID().slice(0, 8)
  const department = `应急办${suffix}`
  const [commander, holder, deputy] = await Promise.all([
    newUser(['commander'], { department, display_name: `指挥长${suffix}` }),
    newUser(['agent'], { department, display_name: `疏散组长${suffix}` }),
    newUser(['agent'], { department, display_name: `疏散副组长${suffix}` }),
  ])
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const type = await ok<{ code: string; name: string }>(
      await admin.post('/api/v1/emergency/incident-types', { data: { code: `e2e_${suffix}`, name: `机房漏水${suffix}` } }),
    )
    // Three pumps wanted, two in stock: two reserved on activation, one short.
    const pump = await ok<{ code: string; name: string }>(
      await admin.post('/api/v1/emergency/supplies/items', { data: { code: `e2e_pump_${suffix}`, name: `抽水泵${suffix}`, unit: '台' } }),
    )
    await ok(await admin.post('/api/v1/emergency/supplies', { data: { location: `三号楼物资库${suffix}`, item_code: pump.code, quantity: 2, minimum: 1 } }))
    const plan = await ok<{ id: string; title: string }>(
      await admin.post('/api/v1/emergency/plans', {
        data: {
          code: `E2E-${suffix}`,
          title: `机房漏水专项预案${suffix}`,
          kind: 'special',
          incident_types: [type.code],
          organization: [
            { role: 'commander', title: '总指挥', holders: [commander.id] },
            { role: 'evacuation', title: '疏散组', holders: [holder.id], deputy: deputy.id },
          ],
          procedures: [
            { level: 'III', step: 1, role: 'commander', action: '启动三级响应', within_minutes: 15 },
            { level: 'III', step: 2, role: 'evacuation', action: `组织机房人员疏散${suffix}`, within_minutes: 20 },
            { level: 'II', step: 1, role: 'commander', action: '启动二级响应，报告局领导', within_minutes: 10 },
          ],
          safeguards: { supplies: [{ item_code: pump.code, quantity: 3 }] },
          activation_criteria: [{ level: 'III', criteria: '机房进水，影响单栋楼宇运行' }],
        },
      }),
    )
    await ok(await admin.post(`/api/v1/emergency/plans/${plan.id}/activate`), 200)
    return { suffix, department, type, plan, commander, holder, deputy }
  } finally {
    await admin.dispose()
  }
}

async function openIncidents(page: Page): Promise<void> {
  await mainMenu(page).getByRole('link', { name: '突发事件' }).click()
  await expect(page.getByRole('heading', { name: '突发事件', level: 1 })).toBeVisible()
}

async function secondBrowser(browser: Browser, baseURL: string | undefined, person: NewUser): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1920, height: 1080 } })
  const page = await context.newPage()
  await signIn(page, person.username, person.password)
  return page
}

/** Opens an Element Plus select by its label (its placeholder covers the input). */
async function choose(scope: Locator, label: string): Promise<void> {
  await scope.locator('.el-select').filter({ has: scope.page().getByRole('combobox', { name: label }) }).click()
}

function taskOf(page: Page, action: string) {
  return page.getByTestId('task').filter({ hasText: action })
}

test('an activated incident’s tasks reach a second browser within 5 s, and an unacknowledged one passes to the deputy', async ({
  page,
  browser,
  baseURL,
}) => {
  const response = await planOfItsOwn()
  const title = `三号楼机房漏水${response.suffix}`
  const evacuate = `组织机房人员疏散${response.suffix}`

  // The commander reports the incident; the board opens on it.
  await signIn(page, response.commander.username, response.commander.password)
  await expect(page.getByRole('heading', { name: '突发事件', level: 1 })).toBeVisible() // a commander's home
  await page.getByRole('button', { name: '报告突发事件' }).click()
  const dialog = page.getByRole('dialog', { name: '报告突发事件' })
  await dialog.getByLabel('事件类型').fill(response.type.name)
  await expect(page.getByRole('option')).toHaveText([new RegExp('^' + response.type.name)])
  await page.getByRole('option').click()
  await choose(dialog, '事件等级')
  await page.getByRole('option', { name: 'Ⅲ级 较大' }).click()
  await dialog.getByLabel('事件名称').fill(title)
  await dialog.getByLabel('地点').fill('三号楼地下一层机房')
  await dialog.getByRole('button', { name: '报告突发事件' }).click()
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
  await expect(page.getByTestId('incident-status')).toHaveText('已报告')
  await expect(page.getByText(`适用预案：E2E-${response.suffix}（第 1 版）`)).toBeVisible()

  // The evacuation team's holder opens the same board in a browser of their own.
  const holderPage = await secondBrowser(browser, baseURL, response.holder)
  await openIncidents(holderPage)
  await holderPage.getByRole('link', { name: title }).click()
  await expect(holderPage.getByRole('heading', { name: title })).toBeVisible()
  await expect(holderPage.getByText('暂无处置任务')).toBeVisible()

  // The commander activates; the holder's board shows the new tasks within 5 s of it.
  await page.getByRole('button', { name: '启动响应' }).click()
  await page.getByRole('dialog', { name: '请确认' }).getByRole('button', { name: '启动响应' }).click()
  await expect(page.getByTestId('incident-status')).toHaveText('响应中')
  await expect(taskOf(holderPage, evacuate)).toBeVisible({ timeout: 5_000 })
  await expect(taskOf(holderPage, '启动三级响应')).toBeVisible({ timeout: 5_000 })
  await expect(holderPage.getByTestId('incident-status')).toHaveText('响应中', { timeout: 5_000 })

  // The holder's task waits for their acknowledgement, the time to the deputy running.
  const theirs = taskOf(holderPage, evacuate)
  await expect(theirs).toContainText('承办人：我')
  await expect(theirs).toContainText(`副职（替补）：疏散副组长${response.suffix}`)
  await expect(theirs.getByTestId('deputy-timer')).toHaveText(/^0:1\d 后转副职$|^0:0\d 后转副职$/)
  await expect(theirs.getByRole('button', { name: '签收' })).toBeVisible()

  // The commander acknowledges their own task; the holder's board shows it within 5 s.
  const commanders = taskOf(page, '启动三级响应')
  await commanders.getByRole('button', { name: '签收' }).click()
  await expect(commanders).toContainText('已签收')
  await expect(taskOf(holderPage, '启动三级响应')).toContainText('已签收', { timeout: 5_000 })
  await expectAccessible(page)
  await photograph(page, 'emergency-board')

  // Nobody acknowledges the evacuation: it passes to the deputy, and both boards say so.
  await expect(theirs.getByTestId('escalated')).toBeVisible({ timeout: 25_000 })
  await expect(theirs).toContainText(`承办人：疏散副组长${response.suffix}`)
  await expect(theirs.getByRole('button', { name: '签收' })).toHaveCount(0)
  await expect(holderPage.getByTestId('timeline')).toContainText('超时未签收，转副职承办')
  await expect(taskOf(page, evacuate).getByTestId('escalated')).toBeVisible({ timeout: 5_000 })

  // The board alone on the whole screen, for the command room's wall.
  await page.getByRole('button', { name: '全屏显示（指挥大屏）' }).click()
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.classList.contains('board') ?? false)).toBe(true)
  await photograph(page, 'emergency-wall')
  await page.evaluate(() => document.exitFullscreen())
  await holderPage.context().close()
})

test('a leader raises the level, hands a task on, reports upward and closes the incident with follow-ups', async ({ page }) => {
  const response = await planOfItsOwn()
  const title = `配电室跳闸${response.suffix}`
  const commander = await apiAs(response.commander.username, response.commander.password)
  try {
    const incident = await ok<{ id: string }>(await commander.post('/api/v1/emergency/incidents', { data: { type: response.type.code, level: 'III', title } }))
    await ok(await commander.post(`/api/v1/emergency/incidents/${incident.id}/activate`), 200)
  } finally {
    await commander.dispose()
  }
  const leader = await newUser(['leader'])
  await signIn(page, leader.username, leader.password)
  await openIncidents(page)
  await expect(page.getByTestId('incidents').locator('[data-level="III"]').first()).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'emergency-incidents')
  await page.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
  await expect(page.getByTestId('next-report')).toContainText('下次上报（初报）截止')
  const supplies = page.getByRole('region', { name: '应急物资' })
  const reserved = supplies.getByRole('listitem').filter({ hasText: '已预留' })
  await expect(reserved).toContainText(`抽水泵${response.suffix} · 2 台`)
  await expect(reserved).toContainText(`（三号楼物资库${response.suffix}）`)
  await expect(supplies.getByRole('listitem').filter({ hasText: '短缺' })).toContainText(`抽水泵${response.suffix} · 1 台`)

  // Raised to II: the board turns orange and the plan's grade-II step is added.
  await page.getByRole('button', { name: '调整响应等级' }).click()
  const levelDialog = page.getByRole('dialog', { name: '调整响应等级' })
  await choose(levelDialog, '调整为')
  await page.getByRole('option', { name: '提升至Ⅱ级 重大' }).click()
  await levelDialog.getByLabel('调整理由').fill('积水漫延至配电柜，影响整栋楼供电')
  await levelDialog.getByRole('button', { name: '确定' }).click()
  await expect(page.locator('.board__head [data-level="II"]')).toHaveText('Ⅱ级 重大')
  await expect(taskOf(page, '启动二级响应，报告局领导')).toBeVisible()
  await expect(page.getByTestId('timeline')).toContainText('调整响应等级：Ⅲ级 较大 → Ⅱ级 重大')

  // The leader hands the evacuation to the commander, with the reason.
  const evacuation = taskOf(page, `组织机房人员疏散${response.suffix}`)
  await evacuation.getByRole('button', { name: '改派' }).click()
  const handing = page.getByRole('dialog', { name: '改派' })
  await choose(handing, '改派给')
  await page.getByRole('option', { name: `指挥长${response.suffix}` }).click()
  await handing.getByLabel('改派理由').fill('疏散组长在外地出差')
  await handing.getByRole('button', { name: '确定' }).click()
  await expect(evacuation).toContainText(`承办人：指挥长${response.suffix}`)
  await expect(page.getByTestId('timeline')).toContainText('指挥长改派任务')

  // The initial report upward; the follow-up report falls due next.
  await page.getByRole('button', { name: '报送信息' }).click()
  const reportDialog = page.getByRole('dialog', { name: '报送信息' })
  await reportDialog.getByLabel('上报内容').fill('配电室进水，已切断电源，无人员伤亡。')
  await reportDialog.getByRole('button', { name: '确定' }).click()
  await expect(page.getByTestId('next-report')).toContainText('下次上报（续报）截止')

  // Closed with its summary and follow-ups.
  await page.getByRole('button', { name: '结束处置' }).click()
  const closeDialog = page.getByRole('dialog', { name: '结束处置' })
  await closeDialog.getByLabel('处置总结').fill('积水已排除，供电恢复。')
  await closeDialog.getByLabel('整改事项').fill('配电室加装漏水报警\n机房排水沟清淤')
  await closeDialog.getByRole('button', { name: '确定' }).click()
  await expect(page.getByTestId('incident-status')).toHaveText('处置结束')
  await expect(page.getByRole('button', { name: '结束处置' })).toHaveCount(0)
  await expect(page.getByTestId('timeline')).toContainText('处置结束')
})

test('the plans, a drill and a training scheduled and recorded, and the readiness report', async ({ page }) => {
  const response = await planOfItsOwn()
  const scenario = `机房漏水疏散演练${response.suffix}`
  // A leader of the plan's department: they know its people by name.
  const leader = await newUser(['leader'], { department: response.department })
  await signIn(page, leader.username, leader.password)

  await mainMenu(page).getByRole('link', { name: '应急预案' }).click()
  await page.getByRole('button', { name: response.plan.title }).click()
  const drawer = page.getByRole('dialog', { name: response.plan.title })
  await expect(drawer.getByRole('row', { name: /疏散组/ })).toContainText(`疏散组长${response.suffix}`)
  await expect(drawer.getByRole('row', { name: /疏散组/ })).toContainText(`疏散副组长${response.suffix}`)
  await expect(drawer.getByText(`组织机房人员疏散${response.suffix}`)).toBeVisible()
  await expect(drawer.getByText('启动条件：机房进水，影响单栋楼宇运行')).toBeVisible()
  await expect(drawer.getByRole('button', { name: '废止' })).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'emergency-plan')
  await page.keyboard.press('Escape')

  // The leader schedules a drill of the plan, then records how it went.
  await mainMenu(page).getByRole('link', { name: '演练与培训' }).click()
  await page.getByRole('button', { name: '安排演练' }).click()
  const scheduling = page.getByRole('dialog', { name: '安排演练' })
  await choose(scheduling, '预案')
  await page.getByRole('option', { name: response.plan.title }).click()
  await scheduling.getByLabel('计划时间').fill('2026-12-20 09:30')
  await scheduling.getByLabel('计划时间').press('Enter')
  await scheduling.getByLabel('演练情景').fill(scenario)
  await scheduling.getByRole('button', { name: '增加情景注入' }).click()
  await scheduling.getByLabel('开始后第几分钟 1').fill('5')
  await scheduling.getByLabel('注入的情景 1').fill('配电柜冒烟')
  await scheduling.getByRole('button', { name: '安排演练' }).click()
  await expect(scheduling).toBeHidden()
  await page.getByRole('button', { name: scenario }).click()
  const drillDrawer = page.getByRole('dialog', { name: `【演练】${scenario}` })
  await expect(drillDrawer.getByRole('listitem').filter({ hasText: '第 5 分钟' })).toContainText('【演练】配电柜冒烟')
  await drillDrawer.getByRole('button', { name: '记录演练情况' }).click()
  const recording = page.getByRole('dialog', { name: '记录演练情况' })
  await recording.getByLabel('处室 1').fill('物业管理处')
  await recording.getByRole('button', { name: '增加处室' }).click()
  await recording.getByLabel('处室 2').fill('保卫处')
  await recording.getByLabel('问题 1', { exact: true }).fill('疏散指示灯损坏')
  await recording.getByRole('button', { name: '增加问题' }).click()
  await recording.getByLabel('问题 2', { exact: true }).fill('广播覆盖不到地下一层')
  await recording.getByLabel('评分').fill('85')
  await recording.getByRole('button', { name: '记录演练情况' }).click()
  await expect(drillDrawer.getByTestId('drill-record')).toContainText('参演：物业管理处 1 人、保卫处 1 人')
  await expect(drillDrawer.getByTestId('drill-record')).toContainText('评分 85')
  await expect(drillDrawer.getByText('广播覆盖不到地下一层', { exact: true })).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'emergency-drills')
  await page.keyboard.press('Escape')

  // A training for two departments, then recorded with them as its participants.
  const training = `应急疏散培训${response.suffix}`
  await page.getByRole('tab', { name: '培训' }).click()
  await page.getByRole('button', { name: '安排培训' }).click()
  const trainingDialog = page.getByRole('dialog', { name: '安排培训' })
  await trainingDialog.getByLabel('培训名称').fill(training)
  await trainingDialog.getByLabel('计划时间').fill('2026-12-22 14:00')
  await trainingDialog.getByLabel('计划时间').press('Enter')
  await trainingDialog.getByLabel('参训处室').fill('物业管理处、保卫处')
  await trainingDialog.getByRole('button', { name: '安排培训' }).click()
  const trainingRow = page.getByTestId('trainings').getByRole('row', { name: new RegExp(training) })
  await expect(trainingRow).toContainText('物业管理处、保卫处')
  await trainingRow.getByRole('button', { name: '记录培训情况' }).click()
  const trainingRecord = page.getByRole('dialog', { name: '记录培训情况' })
  await expect(trainingRecord.getByLabel('处室 2')).toHaveValue('保卫处')
  await trainingRecord.getByRole('button', { name: '记录培训情况' }).click()
  await expect(trainingRow).toContainText('已记录')
  await expectAccessible(page)
  await photograph(page, 'emergency-trainings')

  // The plan now drilled, the readiness report still names its commander without a deputy.
  await mainMenu(page).getByRole('link', { name: '应急准备情况' }).click()
  await expect(page.getByRole('heading', { name: /^无人承担的岗位/ })).toBeVisible()
  await expect(page.getByRole('row', { name: new RegExp(`E2E-${response.suffix}.*总指挥.*副职`) })).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'emergency-readiness')
})
