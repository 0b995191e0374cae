"""The link checker: extract URLs, check them politely (aiohttp), store and report results.

Import the engine from :mod:`studyplan.links.checker` and the use cases from
:mod:`studyplan.links.service`; this package itself imports nothing heavy.
"""
