"""The procedure register's clean-up campaigns (制度清理), under
`/api/v1/ledger/quality/cleanups…`: every document in scope listed when a campaign opens,
each decided once — confirm, abolish, revise or supplement — with its effect in the
register, progress by department, and the result list as a spreadsheet.
"""
