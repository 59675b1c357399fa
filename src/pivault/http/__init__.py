"""pivault as a service: the HTTP API for app backends and the privacy center for people.

The web layer only translates HTTP to vault calls: every personal value goes
through :class:`pivault.service.vault.Vault`, which enforces the policy.
``create_app(settings)`` builds the FastAPI application; ``pivault serve`` runs it.
"""
