"""The link checker: extract URLs, check them politely (threads,
a small HTTP/1.1 client), store and report results.

Import the engine from :mod:`studyplan.links.checker` and the use cases from
:mod:`studyplan.links.service`; this package itself imports nothing heavy.
"""
