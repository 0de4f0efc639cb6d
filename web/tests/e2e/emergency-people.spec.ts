// The people of an emergency response in a browser against the real platform: a holder
// marks themself away on their personal page and their task goes to the deputy, the board
// saying why; a commander sees who is away, marks someone (picked by name) and clears a
// mark; a drill recorded with its findings one by one, each linked to the ledger item it
// became; a training opened to who took part; a unit's staff member reads an incident that
// concerns them in the unit view, and no other.
import type { APIRequestContext, Locator, Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { ADMIN_PASSWORD, apiAs, eventually, expect, expectAccessible, mainMenu, newUser, photograph, signIn, signOut, test, type NewUser } from './support'

async function ok<T>(answer: Awaited<ReturnType<APIRequestContext['post']>>, status = 201): Promise<T> {
  expect(answer.status(), await answer.text()).toBe(status)
  return (await answer.json()) as T
}

/** Opens an Element Plus select by its label (its placeholder covers the input). */
async function choose(scope: Locator, label: string): Promise<void> {
  await scope.locator('.el-select').filter({ has: scope.page().getByRole('combobox', { name: label }) }).click()
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

/** A plan in force for an incident type of its own: at grade IV the commander starts the
 *  response and the patrol's holder (deputy: a colleague) checks the building. The holder
 *  is `holderRoles` (a unit's staff member may hold a plan role). */
async function planOfItsOwn(holderRoles: string[] = ['agent'], holderFields: Record<string, unknown> = {}): Promise<Response> {
  const suffix = randomUUID().slice(0, 8)
  const department = `应急办${suffix}`
  const [commander, holder, deputy] = await Promise.all([
    newUser(['commander'], { department, display_name: `指挥长${suffix}` }),
    newUser(holderRoles, { department, display_name: `巡查组长${suffix}`, ...holderFields }),
    newUser(['agent'], { department, display_name: `巡查副组长${suffix}` }),
  ])
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const type = await ok<{ code: string; name: string }>(
      await admin.post('/api/v1/emergency/incident-types', { data: { code: `e2p_${suffix}`, name: `电梯困人${suffix}` } }),
    )
    const plan = await ok<{ id: string; title: string }>(
      await admin.post('/api/v1/emergency/plans', {
        data: {
          code: `E2P-${suffix}`,
          title: `电梯困人专项预案${suffix}`,
          kind: 'special',
          incident_types: [type.code],
          organization: [
            { role: 'commander', title: '总指挥', holders: [commander.id] },
            { role: 'patrol', title: '巡查组', holders: [holder.id], deputy: deputy.id },
          ],
          procedures: [
            { level: 'IV', step: 1, role: 'commander', action: '启动四级响应', within_minutes: 15 },
            { level: 'IV', step: 2, role: 'patrol', action: `排查电梯运行情况${suffix}`, within_minutes: 30 },
          ],
        },
      }),
    )
    await ok(await admin.post(`/api/v1/emergency/plans/${plan.id}/activate`), 200)
    return { suffix, department, type, plan, commander, holder, deputy }
  } finally {
    await admin.dispose()
  }
}

/** The commander reports an incident of the plan's type and activates its response. */
async function activeIncident(response: Response, title: string, fields: Record<string, unknown> = {}): Promise<string> {
  const commander = await apiAs(response.commander.username, response.commander.password)
  try {
    const incident = await ok<{ id: string }>(
      await commander.post('/api/v1/emergency/incidents', { data: { type: response.type.code, level: 'IV', title, ...fields } }),
    )
    await ok(await commander.post(`/api/v1/emergency/incidents/${incident.id}/activate`), 200)
    return incident.id
  } finally {
    await commander.dispose()
  }
}

async function openIncidents(page: Page): Promise<void> {
  await mainMenu(page).getByRole('link', { name: '突发事件' }).click()
  await expect(page.getByRole('heading', { name: '突发事件', level: 1 })).toBeVisible()
}

test('a holder marks themself away and their task goes to the deputy; a commander sees who is away, marks and clears', async ({ page }) => {
  const response = await planOfItsOwn()
  const patrol = `排查电梯运行情况${response.suffix}`

  // The holder, going on a business trip, says so on their personal page.
  await signIn(page, response.holder.username, response.holder.password)
  await mainMenu(page).getByRole('link', { name: '联系方式与通知' }).click()
  const duty = page.getByTestId('my-availability')
  await expect(duty.getByTestId('my-duty-status')).toContainText('在岗')
  await duty.getByRole('button', { name: '登记不在岗' }).click()
  await duty.getByRole('button', { name: '登记不在岗' }).last().click()
  await expect(duty.getByText('请选择不在岗原因')).toBeVisible()
  await duty.locator('.el-radio-button').filter({ hasText: '出差' }).click()
  await duty.getByLabel('补充说明').fill('赴省厅参加培训')
  await duty.getByRole('button', { name: '登记不在岗' }).last().click()
  await expect(duty.getByTestId('my-duty-status')).toContainText('不在岗：出差：赴省厅参加培训')
  await expect(duty.getByTestId('my-duty-status')).toContainText('直至恢复在岗')
  await expectAccessible(page)
  await photograph(page, 'emergency-self-away')
  await signOut(page)

  // An incident of the plan's type: the holder's task goes to the deputy, and the board says why.
  const title = `二号楼电梯困人${response.suffix}`
  await activeIncident(response, title)
  await signIn(page, response.commander.username, response.commander.password)
  await expect(page.getByRole('heading', { name: '突发事件', level: 1 })).toBeVisible() // a commander's home
  const away = page.getByRole('region', { name: '暂不在岗人员' })
  const holderRow = away.getByRole('row', { name: new RegExp(`巡查组长${response.suffix}`) })
  await expect(holderRow).toContainText('出差：赴省厅参加培训')
  await expect(holderRow).toContainText('直至恢复在岗')
  await page.getByRole('link', { name: title }).click()
  const task = page.getByTestId('task').filter({ hasText: patrol })
  await expect(task).toContainText(`承办人：巡查副组长${response.suffix}`)
  await expect(task.getByTestId('assigned-because')).toHaveText(`巡查组长${response.suffix} 暂不在岗，由副职代为承办`)
  await expectAccessible(page)
  await photograph(page, 'emergency-board-deputy')

  // The commander marks the deputy ill until tomorrow (picked by name), and clears the holder.
  await openIncidents(page)
  await away.getByRole('button', { name: '登记人员不在岗' }).click()
  const dialog = page.getByRole('dialog', { name: '登记人员不在岗' })
  await choose(dialog, '人员')
  await page.getByRole('option', { name: `巡查副组长${response.suffix}` }).click()
  await dialog.locator('.el-radio-button').filter({ hasText: '病假' }).click()
  await expect(dialog.getByRole('radio', { name: '病假' })).toBeChecked()
  const tomorrow = new Date(Date.now() + 26 * 3600_000)
  const until = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')} 18:00`
  await dialog.getByLabel('返岗时间（不填则直至手动恢复）').fill(until)
  await dialog.getByLabel('返岗时间（不填则直至手动恢复）').press('Enter')
  await dialog.getByRole('button', { name: '登记人员不在岗' }).click()
  await expect(dialog).toBeHidden()
  const deputyRow = away.getByRole('row', { name: new RegExp(`巡查副组长${response.suffix}`) })
  await expect(deputyRow).toContainText('病假')
  await expect(deputyRow).toContainText(until)
  await holderRow.getByRole('button', { name: '恢复在岗' }).click()
  await page.getByRole('dialog', { name: '恢复在岗' }).getByRole('button', { name: '恢复在岗' }).click()
  await expect(holderRow).toHaveCount(0)
  await expectAccessible(page)
  await photograph(page, 'emergency-away')
  await signOut(page)

  // The deputy reads on their own page that someone marked them, and says they are back.
  await signIn(page, response.deputy.username, response.deputy.password)
  await mainMenu(page).getByRole('link', { name: '联系方式与通知' }).click()
  const theirs = page.getByTestId('my-duty-status')
  await expect(theirs).toContainText('不在岗：病假')
  await expect(theirs).toContainText(`预计 ${until} 返岗`)
  await expect(theirs).toContainText('由他人代为登记')
  await theirs.getByRole('button', { name: '我已返岗' }).click()
  await page.getByRole('dialog', { name: '恢复在岗' }).getByRole('button', { name: '恢复在岗' }).click()
  await expect(theirs.getByRole('button', { name: '我已返岗' })).toHaveCount(0)
  await expect(theirs).not.toContainText('病假')
  await expect(theirs.getByRole('button', { name: '登记不在岗' })).toBeVisible()
})

test('a drill recorded with its findings one by one, each linked to its ledger item; a training opened to who took part', async ({ page }) => {
  const response = await planOfItsOwn()
  const scenario = `电梯困人救援演练${response.suffix}`
  const training = `电梯应急救援培训${response.suffix}`
  const leader = await newUser(['leader'], { department: response.department })
  const api = await apiAs(leader.username, leader.password)
  try {
    await ok(await api.post('/api/v1/emergency/drills', { data: { plan_id: response.plan.id, scheduled_at: '2026-12-01T09:30:00+08:00', scenario } }))
    const scheduled = await ok<{ id: string }>(
      await api.post('/api/v1/emergency/trainings', {
        data: { title: training, plan_id: response.plan.id, scheduled_at: '2026-12-02T14:00:00+08:00', audience_departments: ['物业管理处', '保卫处'] },
      }),
    )
    await ok(
      await api.post(`/api/v1/emergency/trainings/${scheduled.id}/record`, {
        data: { participants: [{ department: '物业管理处', people: 12 }, { department: '办公室', people: 3 }] },
      }),
      200,
    )
  } finally {
    await api.dispose()
  }
  await signIn(page, leader.username, leader.password)
  await mainMenu(page).getByRole('link', { name: '演练与培训' }).click()
  await page.getByRole('button', { name: scenario }).click()
  const drawer = page.getByRole('dialog', { name: `【演练】${scenario}` })
  await drawer.getByRole('button', { name: '记录演练情况' }).click()
  const recording = page.getByRole('dialog', { name: '记录演练情况' })
  await recording.getByLabel('处室 1').fill('物业管理处')
  // A severity without what was found is named at its row before anything is sent.
  await choose(recording, '严重程度（问题 1）')
  await page.getByRole('option', { name: '严重' }).click()
  await recording.getByRole('button', { name: '记录演练情况' }).click()
  await expect(recording.getByText('请写明发现的问题')).toBeVisible()
  await recording.getByLabel('问题 1', { exact: true }).fill('轿厢应急电话无人接听')
  await recording.getByLabel('整改处室（问题 1）').fill('物业管理处')
  await recording.getByLabel('评估人（问题 1）').fill('李评估')
  await recording.getByRole('button', { name: '增加问题' }).click()
  await recording.getByLabel('问题 2', { exact: true }).fill('救援工具箱缺少盘车手轮')
  await recording.getByLabel('评分').fill('78')
  await recording.getByRole('button', { name: '记录演练情况' }).click()
  await expect(recording).toBeHidden()
  await expect(drawer.getByTestId('drill-record')).toContainText('评分 78')
  const findings = drawer.getByTestId('drill-finding')
  await expect(findings).toHaveCount(2)
  await expect(findings.nth(0)).toContainText('轿厢应急电话无人接听')
  await expect(findings.nth(0)).toContainText('严重')
  await expect(findings.nth(0)).toContainText('整改处室：物业管理处')
  await expect(findings.nth(0)).toContainText('评估人：李评估')
  await expect(findings.nth(1)).toContainText('整改处室：未指定处室')
  // The ledger makes an item of each finding within moments; the drawer links it.
  await expect(findings.nth(0).getByRole('link', { name: '【演练】轿厢应急电话无人接听' })).toBeVisible({ timeout: 30_000 })
  await expect(findings.nth(0).getByTestId('finding-follow-up')).toContainText('整改中')
  await expect(findings.nth(1).getByRole('link', { name: '【演练】救援工具箱缺少盘车手轮' })).toBeVisible({ timeout: 30_000 })
  await expectAccessible(page)
  await photograph(page, 'emergency-drill-findings')
  await findings.nth(0).getByRole('link', { name: '【演练】轿厢应急电话无人接听' }).click()
  await expect(page.getByRole('heading', { name: '【演练】轿厢应急电话无人接听' })).toBeVisible()
  await page.goBack()

  // The training, opened: each department it was for and how many came, and who came unasked.
  await expect(page.getByRole('tab', { name: '培训' })).toBeVisible()
  await page.getByRole('tab', { name: '培训' }).click()
  await page.getByTestId('trainings').getByRole('button', { name: training }).click()
  const detail = page.getByRole('dialog', { name: training })
  await expect(detail.getByTestId('training-facts')).toContainText(response.plan.title)
  await expect(detail.getByTestId('training-facts')).toContainText('应于 2026-12-02 前完成')
  await expect(detail.getByTestId('training-total')).toHaveText('共 15 人参训')
  const attendance = detail.getByTestId('training-attendance')
  await expect(attendance.getByRole('row', { name: /物业管理处/ })).toContainText('12 人')
  await expect(attendance.getByRole('row', { name: /保卫处/ })).toContainText('未参加')
  await expect(attendance.getByRole('row', { name: /办公室/ })).toContainText('计划外参训')
  await expectAccessible(page)
  await photograph(page, 'emergency-training')
})

test('a unit’s staff member reads the incident they hold a task in, in the unit view, and no other', async ({ page }) => {
  // The patrol's holder is a unit's staff member; the commander reports two incidents, one
  // of the plan (the holder gets its task) and one of no plan.
  const response = await planOfItsOwn(['unit_staff'], { unit_id: randomUUID() })
  const theirs = `四号楼电梯困人${response.suffix}`
  await activeIncident(response, theirs, { location: '四号楼东侧电梯', description: '副局长困于轿厢，已联系维保' })
  const commander = await apiAs(response.commander.username, response.commander.password)
  const other = `五号楼停电${response.suffix}`
  try {
    const types = (await (await commander.get('/api/v1/emergency/incident-types?limit=500')).json()) as { items: { code: string }[] }
    const unrelated = types.items.find((type) => type.code !== response.type.code)!
    await ok(await commander.post('/api/v1/emergency/incidents', { data: { type: unrelated.code, level: 'IV', title: other } }))
  } finally {
    await commander.dispose()
  }

  await signIn(page, response.holder.username, response.holder.password)
  await openIncidents(page)
  await expect(page.getByRole('link', { name: theirs })).toBeVisible()
  await expect(page.getByRole('link', { name: other })).toHaveCount(0)
  await expect(page.getByRole('region', { name: '暂不在岗人员' })).toHaveCount(0)
  await expectAccessible(page)
  await photograph(page, 'emergency-unit-incidents')

  await page.getByRole('link', { name: theirs }).click()
  await expect(page.getByRole('heading', { name: theirs })).toBeVisible()
  await expect(page.getByText('地点：四号楼东侧电梯')).toBeVisible()
  // Their own task, to acknowledge; the commander's is not theirs to see.
  const task = page.getByTestId('task')
  await expect(task).toHaveCount(1)
  await expect(task).toContainText(`排查电梯运行情况${response.suffix}`)
  await expect(task).toContainText('承办人：我')
  await task.getByRole('button', { name: '签收' }).click()
  await expect(task).toContainText('已签收')
  // Neither the commander, the description, the supplies nor the reports upward are shown;
  // the commander's lines keep their course without saying who.
  await expect(page.getByText('指挥长：')).toHaveCount(0)
  await expect(page.getByText('副局长困于轿厢')).toHaveCount(0)
  await expect(page.getByRole('region', { name: '应急物资' })).toHaveCount(0)
  const timeline = page.getByTestId('timeline')
  await eventually(async () => expect(await timeline.getByRole('listitem').count()).toBeGreaterThan(1))
  await expect(timeline).not.toContainText('系统')
  await expect(timeline).not.toContainText(`指挥长${response.suffix}`)
  await expectAccessible(page)
  await photograph(page, 'emergency-unit-board')
})
