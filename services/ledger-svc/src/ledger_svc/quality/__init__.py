"""The quality management system (ISO 9001:2015), under `/api/v1/ledger/quality/…`.

So far its procedure register (clause 7.5, documented information): the bureau's rules,
procedures, forms and the external documents it works to, each kept as revisions that are
drafted, reviewed, approved and put in force, with reminders before each review falls due.
"""
