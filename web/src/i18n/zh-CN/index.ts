// Each area's words live in their own file, so screens of different areas change apart.
import admin from './admin'
import cockpit from './cockpit'
import common from './common'
import emergency from './emergency'
import ledger from './ledger'
import publicPages from './public'
import quality from './quality'
import register from './register'
import tickets from './tickets'

export default { common, cockpit, public: publicPages, tickets, admin, register, ledger, emergency, quality }
