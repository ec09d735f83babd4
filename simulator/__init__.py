"""Provider simulator for Sitewatch.

A small aiohttp application that fakes the cloud APIs Sitewatch talks to, so
the integration can be developed, demonstrated and tested without real
accounts. Run it with ``python -m simulator --host 127.0.0.1 --port 8765``.
"""
