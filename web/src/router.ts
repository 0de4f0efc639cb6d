import { createRouter, createWebHistory, type RouteComponent, type RouteRecordRaw } from 'vue-router'
import { homeOf, FALLBACK_HOME } from '@/homes'
import { i18n } from '@/i18n'
import { SCREENS, mayOpen, type ScreenName } from '@/roles'
import { useSessionStore } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Open to anyone, signed in or not. */
    public?: boolean
    /** The screen of roles.ts this route shows (its roles decide who may open it). */
    screen?: ScreenName
    /** i18n key of the page's name in the browser's title bar (a screen's is its label). */
    title?: string
  }
}

function screen(name: ScreenName, component: () => Promise<RouteComponent>): RouteRecordRaw {
  const { path } = SCREENS[name]
  return { path: path.slice(1), name, component, meta: { screen: name, title: SCREENS[name].label } }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'signIn',
    component: () => import('@/views/SignIn.vue'),
    meta: { public: true, title: 'common.signIn.title' },
  },
  {
    path: '/board',
    name: 'board',
    component: () => import('@/views/public/BoardPage.vue'),
    meta: { public: true, title: 'public.board.title' },
  },
  {
    path: '/rate/:code',
    name: 'rate',
    component: () => import('@/views/public/RatePage.vue'),
    meta: { public: true, title: 'public.rate.title' },
  },
  {
    path: '/public/units/:id',
    name: 'publicUnit',
    component: () => import('@/views/public/UnitDisclosurePage.vue'),
    meta: { public: true, title: 'public.unit.title' },
  },
  {
    path: '/ratings',
    name: 'ratings',
    component: () => import('@/views/public/RatingsPage.vue'),
    meta: { public: true, title: 'public.ratings.title' },
  },
  // Full screen, outside the console's frame: a unit shown at a leaders' meeting.
  {
    path: SCREENS.present.path,
    name: SCREENS.present.name,
    component: () => import('@/views/present/UnitPresentation.vue'),
    meta: { screen: 'present', title: SCREENS.present.label },
  },
  {
    path: SCREENS.presentYear.path,
    name: SCREENS.presentYear.name,
    component: () => import('@/views/present/YearPresentation.vue'),
    meta: { screen: 'presentYear', title: SCREENS.presentYear.label },
  },
  {
    path: '/',
    component: () => import('@/layouts/ConsoleLayout.vue'),
    children: [
      {
        path: FALLBACK_HOME.slice(1),
        name: 'home',
        component: () => import('@/views/HomePage.vue'),
        meta: { title: 'common.home.title' },
      },
      screen('cockpit', () => import('@/views/cockpit/CockpitPage.vue')),
      screen('inbox', () => import('@/views/InboxPage.vue')),
      screen('contacts', () => import('@/views/ContactsPage.vue')),
      screen('newRequest', () => import('@/views/tickets/NewRequest.vue')),
      screen('myRequests', () => import('@/views/tickets/MyRequests.vue')),
      screen('ticket', () => import('@/views/tickets/TicketPage.vue')),
      screen('desk', () => import('@/views/tickets/DeskPage.vue')),
      screen('escalations', () => import('@/views/tickets/EscalationsPage.vue')),
      screen('departmentReport', () => import('@/views/tickets/DepartmentReport.vue')),
      screen('users', () => import('@/views/admin/UsersPage.vue')),
      screen('clients', () => import('@/views/admin/ClientsPage.vue')),
      screen('commitments', () => import('@/views/admin/CommitmentsPage.vue')),
      screen('calendars', () => import('@/views/admin/CalendarsPage.vue')),
      screen('rules', () => import('@/views/admin/RulesPage.vue')),
      screen('messageLog', () => import('@/views/admin/MessagesPage.vue')),
      screen('units', () => import('@/views/register/UnitsPage.vue')),
      screen('unit', () => import('@/views/register/UnitPage.vue')),
      screen('changes', () => import('@/views/register/ChangesPage.vue')),
      screen('compliance', () => import('@/views/register/CompliancePage.vue')),
      screen('buildings', () => import('@/views/register/BuildingsPage.vue')),
      screen('building', () => import('@/views/register/BuildingPage.vue')),
      screen('room', () => import('@/views/register/RoomPage.vue')),
      screen('renovations', () => import('@/views/register/RenovationsPage.vue')),
      screen('housing', () => import('@/views/register/HousingPage.vue')),
      screen('stocktakes', () => import('@/views/register/StocktakesPage.vue')),
      screen('stocktake', () => import('@/views/register/StocktakePage.vue')),
      screen('imports', () => import('@/views/register/ImportsPage.vue')),
      screen('ledger', () => import('@/views/ledger/LedgerPage.vue')),
      screen('ledgerItem', () => import('@/views/ledger/LedgerItemPage.vue')),
      screen('ledgerInterventions', () => import('@/views/ledger/InterventionsPage.vue')),
      screen('campaigns', () => import('@/views/ledger/CampaignsPage.vue')),
      screen('campaign', () => import('@/views/ledger/CampaignPage.vue')),
      screen('scorecards', () => import('@/views/ledger/ScorecardsPage.vue')),
      screen('qualityDocuments', () => import('@/views/quality/DocumentsPage.vue')),
      screen('qualityDocument', () => import('@/views/quality/DocumentPage.vue')),
      screen('qualityCleanups', () => import('@/views/quality/CleanupsPage.vue')),
      screen('qualityCleanup', () => import('@/views/quality/CleanupPage.vue')),
      screen('qualityNonconformities', () => import('@/views/quality/NonconformitiesPage.vue')),
      screen('qualityNonconformity', () => import('@/views/quality/NonconformityPage.vue')),
      screen('qualityAudits', () => import('@/views/quality/AuditsPage.vue')),
      screen('qualityAudit', () => import('@/views/quality/AuditPage.vue')),
      screen('qualityToRead', () => import('@/views/quality/ToReadPage.vue')),
      screen('qualityObjectives', () => import('@/views/quality/ObjectivesPage.vue')),
      screen('qualityObjective', () => import('@/views/quality/ObjectivePage.vue')),
      screen('qualityReviews', () => import('@/views/quality/ReviewsPage.vue')),
      screen('qualityReview', () => import('@/views/quality/ReviewPage.vue')),
      screen('incidents', () => import('@/views/emergency/IncidentsPage.vue')),
      screen('incidentBoard', () => import('@/views/emergency/IncidentBoard.vue')),
      screen('emergencyPlans', () => import('@/views/emergency/PlansPage.vue')),
      screen('newPlan', () => import('@/views/emergency/PlanEditorPage.vue')),
      screen('editPlan', () => import('@/views/emergency/PlanEditorPage.vue')),
      screen('supplies', () => import('@/views/emergency/SuppliesPage.vue')),
      screen('drills', () => import('@/views/emergency/DrillsPage.vue')),
      screen('readiness', () => import('@/views/emergency/ReadinessPage.vue')),
    ],
  },
  {
    path: '/:unknown(.*)*',
    name: 'notFound',
    component: () => import('@/views/NotFound.vue'),
    meta: { public: true, title: 'common.notFound.title' },
  },
]

/** Where a signed-out person goes for a page that needs a sign-in: back to it afterwards. */
export function signInFor(fullPath: string) {
  return { name: 'signIn', query: fullPath === '/' ? {} : { next: fullPath } }
}

/** A `next` that stays inside the console (never another site: `//evil`, `https://…`). */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : null
}

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach((to) => {
  const session = useSessionStore()
  session.currentToken() // drops a token that has ended: its holder signs in again
  if (to.name === 'signIn') {
    return session.signedIn ? (safeNext(to.query.next) ?? homeOf(session.roles)) : true
  }
  if (to.meta.public) return true
  if (!session.signedIn) return signInFor(to.fullPath)
  const name = to.meta.screen
  if (name && !mayOpen(SCREENS[name], session.roles)) return homeOf(session.roles)
  return true
})

router.afterEach((to) => {
  const { t } = i18n.global
  document.title = to.meta.title ? `${t(to.meta.title)} - ${t('common.appName')}` : t('common.appName')
})
